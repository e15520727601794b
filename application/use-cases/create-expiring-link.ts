import { pipe } from 'fp-ts/function'
import * as E from 'fp-ts/Either'
import * as TE from 'fp-ts/TaskEither'
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
