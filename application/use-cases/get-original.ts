import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import type { BlobNotFound, ImageNotFound, InfrastructureFailure, RenderFailed, TierForbidsOriginal } from '../../domain/errors'
import { allowsOriginal, type Tier } from '../../domain/tier'
import { deliverOriginal, PRESIGN_MAX_SECONDS, type Delivery, type DeliveryDeps, type DeliveryRequest } from '../delivery'
import type { ImageRepository } from '../ports/repositories'

/** The owner asks for bytes of their image (the original here, a thumbnail in get-thumbnail.ts). */
export interface OwnerBytesCommand {
  readonly ownerId: string
  readonly tier: Tier
  readonly imageId: string
  readonly ifNoneMatch?: string
  readonly method?: 'GET' | 'HEAD'
}

export type GetOriginalCommand = OwnerBytesCommand
export type OwnerBytesDeps = DeliveryDeps & { readonly images: ImageRepository }
export type ServeError = RenderFailed | BlobNotFound | InfrastructureFailure
export type GetOriginalError = ImageNotFound | TierForbidsOriginal | ServeError

export const ownerRequest = (cmd: OwnerBytesCommand): DeliveryRequest =>
  ({ ifNoneMatch: cmd.ifNoneMatch, method: cmd.method ?? 'GET', maxSeconds: PRESIGN_MAX_SECONDS })

/** Checks run in DESIGN.md order: ownership (404), then tier (403). */
export const getOriginal = (deps: OwnerBytesDeps) =>
  (cmd: GetOriginalCommand): TE.TaskEither<GetOriginalError, Delivery> =>
    pipe(
      deps.images.findOwned(cmd.ownerId, cmd.imageId),
      TE.chainFirstEitherKW(() => allowsOriginal(cmd.tier)),
      TE.chainW((image) => deliverOriginal(deps, image, ownerRequest(cmd))),
    )
