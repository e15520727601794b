import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import type {
  ImageNotFound, InfrastructureFailure, InvalidExpiry, InvalidHeight, TierForbidsExpiringLinks, TierForbidsOriginal, TierForbidsSize,
} from '../../domain/errors'
import { allowExpiringLink, type Tier } from '../../domain/tier'
import { parseHeight, thumbnail, ORIGINAL, type Variant } from '../../domain/variant'
import type { ImageRepository } from '../ports/repositories'
import type { Clock } from '../ports/runtime'
import type { LinkSigner } from '../ports/security'

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

/** Plain steps over Either rather than a pipe of combinators: a hot path (see get-thumbnail.ts). */
export const createExpiringLink = (deps: { images: ImageRepository; signer: LinkSigner; clock: Clock }) =>
  (cmd: CreateExpiringLinkCommand): TE.TaskEither<CreateExpiringLinkError, ExpiringLink> =>
    async () => {
      const image = await deps.images.findOwned(cmd.ownerId, cmd.imageId)()
      if (E.isLeft(image)) return image
      const variant = variantOf(cmd.variant)
      if (E.isLeft(variant)) return variant
      const seconds = allowExpiringLink(cmd.tier, variant.right, cmd.expiresIn)
      if (E.isLeft(seconds)) return seconds
      // Whole seconds, as the token carries them: the link never lasts longer than asked.
      const expiresAt = new Date((Math.floor(deps.clock.now().getTime() / 1000) + seconds.right) * 1000)
      return E.right({ token: deps.signer.sign({ imageId: image.right.id, variant: variant.right, expiresAt }), expiresAt })
    }
