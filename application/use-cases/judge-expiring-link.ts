import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import type { InfrastructureFailure, LinkExpired, LinkInvalid, LinkNotFound, LinkRevoked } from '../../domain/errors'
import type { Image } from '../../domain/image'
import { tierStillAllowsLink } from '../../domain/tier'
import type { ImageRepository, UserRepository } from '../ports/repositories'
import type { Clock } from '../ports/runtime'
import type { LinkClaims, LinkSigner } from '../ports/security'

export type JudgeDeps = { signer: LinkSigner; images: ImageRepository; users: UserRepository; clock: Clock }

export type LinkVerdictError = LinkInvalid | LinkExpired | LinkNotFound | LinkRevoked | InfrastructureFailure

/** A link that would be served now: what it grants, the image, and whole seconds left (0 in its last second). */
export interface ValidLink {
  readonly claims: LinkClaims
  readonly image: Image
  readonly remainingSeconds: number
}

/**
 * Judges a link as it is now, in this order: a forged or malformed token (invalid), its
 * expiry, the image (deleted: not found), then the owner (deactivated, or their tier no
 * longer allows the variant or expiring links: revoked). Serving and `imgtier links
 * inspect` share this one judgement.
 */
export const judgeExpiringLink = (deps: JudgeDeps) =>
  (token: string): TE.TaskEither<LinkVerdictError, ValidLink> => {
    const now = deps.clock.now()
    return pipe(
      TE.fromEither(deps.signer.verify(token)),
      TE.filterOrElseW(
        (claims) => claims.expiresAt.getTime() > now.getTime(),
        (claims): LinkExpired => ({ _tag: 'LinkExpired', expiredAt: claims.expiresAt }),
      ),
      TE.bindTo('claims'),
      TE.bindW('image', ({ claims }) =>
        pipe(deps.images.get(claims.imageId), TE.mapLeft((e) => (e._tag === 'ImageNotFound' ? linkNotFound : e)))),
      TE.bindW('owner', ({ image }) =>
        pipe(deps.users.getWithTier(image.ownerId), TE.mapLeft((e) => (e._tag === 'UserNotFound' ? linkNotFound : e)))),
      TE.filterOrElseW(
        ({ claims, owner }) => owner.user.active && tierStillAllowsLink(owner.tier, claims.variant),
        (): LinkRevoked => ({ _tag: 'LinkRevoked' }),
      ),
      // Whole seconds, rounded down: 0 in the last second, when nothing may cache it any more.
      TE.map(({ claims, image }) => ({ claims, image, remainingSeconds: Math.floor((claims.expiresAt.getTime() - now.getTime()) / 1000) })),
    )
  }

const linkNotFound: LinkNotFound = { _tag: 'LinkNotFound' }
