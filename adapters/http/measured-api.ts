import * as E from 'fp-ts/Either'
import type { Metrics } from '../metrics'
import { timed } from '../metrics'
import type { UseCases } from '../../application/bound-use-cases'
import { problemOf, type AppError } from './problem'

/** An expected failure as a label: its problem code, so a new error needs no edit here. */
const codeOf = (e: AppError): string => problemOf(e).code

/** `link_expired` → `expired`: a link's outcome is read on a dashboard of link outcomes. */
const linkOutcome = (e: AppError): string => codeOf(e).replace(/^link_/, '')

/**
 * The driving side of the hexagon, measured: what became of each upload (and how many
 * bytes it brought) and of each expiring-link open, told apart by the use-case's answer.
 */
export const measuredApi = (api: UseCases, metrics: Metrics): UseCases => ({
  ...api,
  uploadImage: (cmd) => timed(api.uploadImage(cmd), (settled) => {
    const outcome = 'thrown' in settled ? 'error' : E.isRight(settled.result) ? 'ok' : codeOf(settled.result.left)
    metrics.uploads.inc({ outcome })
    metrics.uploadBytes.observe({ outcome }, cmd.bytes.length)
  }),
  openExpiringLink: (cmd) => timed(api.openExpiringLink(cmd), (settled) => {
    metrics.linkOpens.inc({ outcome: 'thrown' in settled ? 'error' : E.isRight(settled.result) ? 'ok' : linkOutcome(settled.result.left) })
  }),
})
