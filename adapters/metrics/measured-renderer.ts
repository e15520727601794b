import * as E from 'fp-ts/Either'
import type { PreparedRender, ThumbnailRenderer } from '../../application/ports/blobs'
import type { Metrics } from './instruments'
import { timed, type Settled } from './timed'

type RenderOutcome = 'ok' | 'not_found' | 'timeout' | 'error'

const renderOutcome = <A>(settled: Settled<{ readonly _tag: string; readonly timedOut?: boolean }, A>): RenderOutcome => {
  if ('thrown' in settled) return 'error'
  if (E.isRight(settled.result)) return 'ok'
  const e = settled.result.left
  if (e._tag === 'BlobNotFound') return 'not_found'
  return e._tag === 'RenderFailed' && e.timedOut === true ? 'timeout' : 'error'
}

/**
 * A ThumbnailRenderer that counts and times every render by renderer and outcome; the
 * Lambda renderer's calls are also its invocations (latency, errors by reason). A render
 * in two steps (prepare, then render) is one render to the metrics, timed from the start
 * of the read to the stored thumbnail (the claim it overlapped included), and counted
 * when its read fails; one whose claim was lost, so never rendered, is not counted.
 */
export const measuredRenderer = (renderer: ThumbnailRenderer, name: 'inprocess' | 'lambda', metrics: Metrics): ThumbnailRenderer => {
  const observe = (settled: Settled<{ readonly _tag: string; readonly timedOut?: boolean }, unknown>, seconds: number) => {
    const outcome = renderOutcome(settled)
    metrics.renders.inc({ renderer: name, outcome })
    metrics.renderDuration.observe({ renderer: name, outcome }, seconds)
    if (name === 'lambda') {
      metrics.lambdaDuration.observe({ outcome }, seconds)
      if (outcome === 'timeout' || outcome === 'error') metrics.lambdaErrors.inc({ reason: outcome })
    }
  }
  const { prepare } = renderer
  return {
    render: (req) => timed(renderer.render(req), observe),
    ...(prepare
      ? {
          prepare: (req) => async () => {
            const started = performance.now()
            const seconds = () => (performance.now() - started) / 1000
            const read = await timed(prepare(req), (settled, s) => { if (!('result' in settled && E.isRight(settled.result))) observe(settled, s) })()
            return E.map((prepared: PreparedRender): PreparedRender => ({
              render: () => timed(prepared.render(), (settled) => observe(settled, seconds())),
            }))(read)
          },
        }
      : {}),
  }
}
