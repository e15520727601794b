import * as E from 'fp-ts/Either'
import type { ThumbnailRenderer } from '../../application/ports/blobs'
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
 * Lambda renderer's calls are also its invocations (latency, errors by reason).
 */
export const measuredRenderer = (renderer: ThumbnailRenderer, name: 'inprocess' | 'lambda', metrics: Metrics): ThumbnailRenderer => ({
  render: (req) => timed(renderer.render(req), (settled, seconds) => {
    const outcome = renderOutcome(settled)
    metrics.renders.inc({ renderer: name, outcome })
    metrics.renderDuration.observe({ renderer: name, outcome }, seconds)
    if (name === 'lambda') {
      metrics.lambdaDuration.observe({ outcome }, seconds)
      if (outcome === 'timeout' || outcome === 'error') metrics.lambdaErrors.inc({ reason: outcome })
    }
  }),
})
