import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import type { ImageNotFound, InfrastructureFailure } from '../../domain/errors'
import { originalKey, thumbnailPrefix } from '../../domain/image'
import type { BlobStorage } from '../ports/blobs'
import type { ImageRepository } from '../ports/repositories'

export interface BlobsOfImages { readonly originals: BlobStorage; readonly thumbnails: BlobStorage }

/**
 * Row first, then blobs: once the row is gone nothing can reach the image (its
 * expiring links die with it); blob removal is idempotent, so a retry finishes it.
 */
export const removeImageBlobs = (blobs: BlobsOfImages, imageId: string): TE.TaskEither<InfrastructureFailure, void> =>
  pipe(
    blobs.thumbnails.deletePrefix(thumbnailPrefix(imageId)),
    TE.chain(() => blobs.originals.delete(originalKey(imageId))),
  )

export const deleteImage = (deps: BlobsOfImages & { images: ImageRepository }) =>
  (cmd: { ownerId: string; imageId: string }): TE.TaskEither<ImageNotFound | InfrastructureFailure, void> =>
    pipe(
      deps.images.findOwned(cmd.ownerId, cmd.imageId),
      TE.chainW((image) => deps.images.delete(image.id)),
      TE.chainW(() => removeImageBlobs(deps, cmd.imageId)),
    )
