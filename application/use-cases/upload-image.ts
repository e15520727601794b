import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import type {
  FileRequired, FileTooLarge, ImageTooManyPixels, ImageUnreadable, InfrastructureFailure, InvalidImageName,
  UnsupportedImageFormat,
} from '../../domain/errors'
import { contentTypeOf, decideImageName, originalKey, type Image } from '../../domain/image'
import type { BlobStorage, ImageInspector, OriginalStorage } from '../ports/blobs'
import type { ImageRepository } from '../ports/repositories'
import type { Clock, Hasher, IdGenerator } from '../ports/runtime'

export interface UploadImageCommand {
  readonly ownerId: string
  readonly bytes: Buffer
  /** The uploaded file's name, for the default image name. */
  readonly fileName?: string
  readonly name?: string
  /** The owner's tier's heights: rendered ahead of the first request where the deployment can (S3 + Lambda events). */
  readonly thumbnailHeights?: readonly number[]
}

export type UploadImageError =
  | FileRequired | FileTooLarge | InvalidImageName | UnsupportedImageFormat | ImageUnreadable | ImageTooManyPixels
  | InfrastructureFailure

export interface UploadLimits { readonly maxBytes: number; readonly maxPixels: number }

export interface UploadImageDeps {
  readonly images: ImageRepository
  readonly originals: OriginalStorage
  readonly inspector: ImageInspector
  readonly hasher: Hasher
  readonly ids: IdGenerator
  readonly clock: Clock
  readonly limits: UploadLimits
}

/**
 * Stores the original byte-identical, then commits the row. If the row cannot be
 * written the blob is removed again, so a failure leaves neither behind.
 */
export const uploadImage = (deps: UploadImageDeps) =>
  (cmd: UploadImageCommand): TE.TaskEither<UploadImageError, Image> =>
    pipe(
      TE.Do,
      TE.chainW(() => checkSize(cmd.bytes, deps.limits.maxBytes)),
      TE.chainW(() => TE.fromEither(decideImageName(cmd.name, cmd.fileName))),
      TE.bindTo('name'),
      TE.bindW('inspected', () => deps.inspector.inspect(cmd.bytes, { maxPixels: deps.limits.maxPixels })),
      TE.map(({ name, inspected }): Image => ({
        id: deps.ids.uuid(),
        ownerId: cmd.ownerId,
        name,
        format: inspected.format,
        width: inspected.width,
        height: inspected.height,
        bytes: cmd.bytes.length,
        sha256: deps.hasher.sha256(cmd.bytes),
        createdAt: deps.clock.now(),
      })),
      TE.chainW((image) =>
        pipe(
          deps.originals.put(originalKey(image.id), cmd.bytes, contentTypeOf(image.format), { eagerThumbnailHeights: cmd.thumbnailHeights }),
          TE.chainW(() => pipe(deps.images.insert(image), TE.orElseW((e) => undo(deps.originals, image.id, e)))),
        ),
      ),
    )

const checkSize = (bytes: Buffer, maxBytes: number): TE.TaskEither<FileRequired | FileTooLarge, void> => {
  if (bytes.length === 0) return TE.left({ _tag: 'FileRequired' })
  if (bytes.length > maxBytes) return TE.left({ _tag: 'FileTooLarge', maxBytes })
  return TE.right(undefined)
}

/** Removes the blob of a failed upload and keeps the original error. */
const undo = <E>(originals: BlobStorage, imageId: string, error: E): TE.TaskEither<E | InfrastructureFailure, never> =>
  pipe(originals.delete(originalKey(imageId)), TE.chainW(() => TE.left(error)))
