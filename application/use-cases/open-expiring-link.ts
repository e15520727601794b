import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import type { BlobNotFound, InfrastructureFailure, LinkExpired, LinkInvalid, LinkNotFound, LinkRevoked, RenderFailed } from '../../domain/errors'
import { deliverOriginal, deliverThumbnail, type Delivery, type DeliveryDeps } from '../delivery'
import { judgeExpiringLink, type JudgeDeps } from './judge-expiring-link'

export interface OpenExpiringLinkCommand {
  readonly token: string
  readonly ifNoneMatch?: string
  readonly method?: 'GET' | 'HEAD'
}

export type OpenLinkError =
  | LinkInvalid | LinkExpired | LinkNotFound | LinkRevoked | RenderFailed | BlobNotFound | InfrastructureFailure

export interface OpenedLink {
  readonly delivery: Delivery
  /** Whole seconds until the link dies (0 in its last second): no cache may keep the response longer. */
  readonly remainingSeconds: number
}

/**
 * Serves a link without login. It is re-checked on every use: a forged token (403),
 * an expired one (410), a deleted image (404), or an owner whose tier no longer
 * allows it, or who was deactivated (403 revoked).
 */
export const openExpiringLink = (deps: DeliveryDeps & JudgeDeps) =>
  (cmd: OpenExpiringLinkCommand): TE.TaskEither<OpenLinkError, OpenedLink> =>
    pipe(
      judgeExpiringLink(deps)(cmd.token),
      TE.chainW(({ claims, image, remainingSeconds }) => {
        // A presigned URL needs at least one second (S3's minimum).
        const req = { ifNoneMatch: cmd.ifNoneMatch, method: cmd.method ?? 'GET', maxSeconds: Math.max(1, remainingSeconds) }
        const delivery = claims.variant.kind === 'original'
          ? deliverOriginal(deps, image, req)
          : deliverThumbnail(deps, image, claims.variant.height, req)
        return TE.map((d: Delivery): OpenedLink => ({ delivery: d, remainingSeconds }))(delivery)
      }),
    )
