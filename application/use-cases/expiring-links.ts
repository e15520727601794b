import { pipe } from 'fp-ts/function'
import * as E from 'fp-ts/Either'
import * as TE from 'fp-ts/TaskEither'
import type {
  BlobNotFound, ImageNotFound, InfrastructureFailure, InvalidExpiry, InvalidHeight, LinkExpired, LinkInvalid,
  LinkNotFound, LinkRevoked, RenderFailed, TierForbidsExpiringLinks, TierForbidsOriginal, TierForbidsSize,
} from '../../domain/errors'
import { allowExpiringLink, tierStillAllowsLink, type Tier } from '../../domain/tier'
import type { Image } from '../../domain/image'
import { parseHeight, thumbnail, ORIGINAL, type Variant } from '../../domain/variant'
import { deliverOriginal, deliverThumbnail, type Delivery, type DeliveryDeps } from '../delivery'
import type { ImageRepository, UserRepository } from '../ports/repositories'
import type { Clock } from '../ports/runtime'
import type { LinkClaims, LinkSigner } from '../ports/security'

export interface CreateExpiringLinkCommand {
  readonly ownerId: string
  readonly tier: Tier
  readonly imageId: string
  /** `original`, or the raw height from the path. */
  readonly variant: 'original' | { readonly height: string }
  /** Unvalidated JSON value: anything but an integer within the tier's bounds is InvalidExpiry. */
  readonly expiresIn: unknown
}

export interface ExpiringLink { readonly token: string; readonly expiresAt: Date }

export type CreateExpiringLinkError =
  | ImageNotFound | TierForbidsExpiringLinks | TierForbidsSize | TierForbidsOriginal | InvalidHeight | InvalidExpiry
  | InfrastructureFailure

const variantOf = (v: CreateExpiringLinkCommand['variant']): E.Either<InvalidHeight, Variant> =>
  v === 'original' ? E.right(ORIGINAL) : E.map(thumbnail)(parseHeight(v.height))

export const createExpiringLink = (deps: { images: ImageRepository; signer: LinkSigner; clock: Clock }) =>
  (cmd: CreateExpiringLinkCommand): TE.TaskEither<CreateExpiringLinkError, ExpiringLink> =>
    pipe(
      deps.images.findOwned(cmd.ownerId, cmd.imageId),
      TE.chainEitherKW((image) =>
        pipe(
          variantOf(cmd.variant),
          E.chainW((variant) => E.map((seconds: number) => ({ image, variant, seconds }))(allowExpiringLink(cmd.tier, variant, cmd.expiresIn))),
        ),
      ),
      TE.map(({ image, variant, seconds }) => {
        // Whole seconds, as the token carries them: the link never lasts longer than asked.
        const expiresAt = new Date((Math.floor(deps.clock.now().getTime() / 1000) + seconds) * 1000)
        return { token: deps.signer.sign({ imageId: image.id, variant, expiresAt }), expiresAt }
      }),
    )

export type OpenLinkError =
  | LinkInvalid | LinkExpired | LinkNotFound | LinkRevoked | RenderFailed | BlobNotFound | InfrastructureFailure

export interface OpenedLink {
  readonly delivery: Delivery
  /** Whole seconds until the link dies (0 in its last second): no cache may keep the response longer. */
  readonly remainingSeconds: number
}

type JudgeDeps = { signer: LinkSigner; images: ImageRepository; users: UserRepository; clock: Clock }

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

/**
 * Serves a link without login. It is re-checked on every use: a forged token (403),
 * an expired one (410), a deleted image (404), or an owner whose tier no longer
 * allows it, or who was deactivated (403 revoked).
 */
export const openExpiringLink = (deps: DeliveryDeps & JudgeDeps) =>
  (cmd: { token: string; ifNoneMatch?: string; method?: 'GET' | 'HEAD' }): TE.TaskEither<OpenLinkError, OpenedLink> =>
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

const linkNotFound: LinkNotFound = { _tag: 'LinkNotFound' }
