import { pipe } from 'fp-ts/function'
import * as E from 'fp-ts/Either'
import * as TE from 'fp-ts/TaskEither'
import type {
  BlobNotFound, ImageNotFound, InfrastructureFailure, InvalidHeight, RenderFailed, TierForbidsOriginal, TierForbidsSize,
} from '../../domain/errors'
import { allowsHeight, allowsOriginal, type Tier } from '../../domain/tier'
import { parseHeight } from '../../domain/variant'
import { deliverOriginal, deliverThumbnail, PRESIGN_MAX_SECONDS, type Delivery, type DeliveryDeps, type DeliveryRequest } from '../delivery'
import type { ImageRepository } from '../ports/repositories'

export interface OwnerBytesCommand {
  readonly ownerId: string
  readonly tier: Tier
  readonly imageId: string
  readonly ifNoneMatch?: string
  readonly method?: 'GET' | 'HEAD'
}

type Deps = DeliveryDeps & { readonly images: ImageRepository }
type ServeError = RenderFailed | BlobNotFound | InfrastructureFailure

const ownerRequest = (cmd: OwnerBytesCommand): DeliveryRequest =>
  ({ ifNoneMatch: cmd.ifNoneMatch, method: cmd.method ?? 'GET', maxSeconds: PRESIGN_MAX_SECONDS })

/** Checks run in DESIGN.md order: ownership (404), tier (403), then the input (400). */
export const getThumbnail = (deps: Deps) =>
  (cmd: OwnerBytesCommand & { readonly height: string }): TE.TaskEither<ImageNotFound | TierForbidsSize | InvalidHeight | ServeError, Delivery> =>
    pipe(
      deps.images.findOwned(cmd.ownerId, cmd.imageId),
      TE.chainEitherKW((image) =>
        pipe(parseHeight(cmd.height), E.chainFirstW((height) => allowsHeight(cmd.tier, height)), E.map((height) => ({ image, height }))),
      ),
      TE.chainW(({ image, height }) => deliverThumbnail(deps, image, height, ownerRequest(cmd))),
    )

export const getOriginal = (deps: Deps) =>
  (cmd: OwnerBytesCommand): TE.TaskEither<ImageNotFound | TierForbidsOriginal | ServeError, Delivery> =>
    pipe(
      deps.images.findOwned(cmd.ownerId, cmd.imageId),
      TE.chainFirstEitherKW(() => allowsOriginal(cmd.tier)),
      TE.chainW((image) => deliverOriginal(deps, image, ownerRequest(cmd))),
    )
