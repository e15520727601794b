import { pipe } from 'fp-ts/function'
import * as T from 'fp-ts/Task'
import * as TE from 'fp-ts/TaskEither'
import type { ImageNotFound, InfrastructureFailure } from '../../domain/errors'
import { originalKey, thumbnailPrefix } from '../../domain/image'
import type { OriginalStorage, ThumbnailStorage } from '../ports/blobs'
import type { ImageRepository } from '../ports/repositories'
import type { Clock } from '../ports/runtime'

export interface BlobsOfImages { readonly originals: OriginalStorage; readonly thumbnails: ThumbnailStorage }
export type PurgeDeps = BlobsOfImages & { readonly images: ImageRepository }

/** Thumbnails, then the original: both idempotent, so a retry finishes a half-done removal. */
export const removeImageBlobs = (blobs: BlobsOfImages, imageId: string): TE.TaskEither<InfrastructureFailure, void> =>
  pipe(
    blobs.thumbnails.deletePrefix(thumbnailPrefix(imageId)),
    TE.chain(() => blobs.originals.delete(originalKey(imageId))),
  )

/**
 * The end of a deletion whose mark is written: blobs first, the row last, so a failure
 * in between leaves a marked row (invisible, and found again by the sweep), never a
 * blob that no row accounts for.
 */
export const purgeImage = (deps: PurgeDeps, imageId: string): TE.TaskEither<InfrastructureFailure, void> =>
  pipe(removeImageBlobs(deps, imageId), TE.chain(() => deps.images.delete(imageId)), TE.map(() => undefined))

export interface Deletion {
  /** False when the blobs could not be removed yet: the purge sweep will finish it. */
  readonly complete: boolean
}

/**
 * Marks the image (the commit point: from here it is gone for its owner and its
 * expiring links die), then purges it. A purge failure does not undo the deletion.
 */
export interface DeleteImageCommand { readonly ownerId: string; readonly imageId: string }
export type DeleteImageError = ImageNotFound | InfrastructureFailure

export const deleteImage = (deps: PurgeDeps & { clock: Clock }) =>
  (cmd: DeleteImageCommand): TE.TaskEither<DeleteImageError, Deletion> =>
    pipe(
      deps.images.findOwned(cmd.ownerId, cmd.imageId),
      TE.chainW((image) => deps.images.markDeleting(image.id, deps.clock.now())),
      TE.chainTaskK(() => completeDeletion(deps, cmd.imageId)),
    )

/** Purges a marked image, reporting rather than failing: the sweep retries what is left. */
export const completeDeletion = (deps: PurgeDeps, imageId: string): T.Task<Deletion> =>
  pipe(purgeImage(deps, imageId), TE.match((): Deletion => ({ complete: false }), (): Deletion => ({ complete: true })))
