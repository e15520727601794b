import { sequenceT } from 'fp-ts/Apply'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as T from 'fp-ts/Task'
import * as TE from 'fp-ts/TaskEither'
import type {
  FileRequired, FileTooLarge, ImageTooManyPixels, ImageUnreadable, InfrastructureFailure, InvalidImageName,
  UnsupportedImageFormat,
} from '../../domain/errors'
import { contentTypeOf, decideImageName, originalKey, type Image } from '../../domain/image'
import type { BlobStorage, HeaderAccepted, ImageInspector, InspectError, InspectedImage, OriginalStorage, StagedBlob } from '../ports/blobs'
import type { ImageRepository } from '../ports/repositories'
import type { Clock, Hasher, IdGenerator } from '../ports/runtime'
import { stageBlob } from '../stage-blob'

export interface UploadImageCommand {
  readonly ownerId: string
  readonly bytes: Buffer
  /**
   * The bytes' sha256 (hex) when the caller hashed them as they arrived (the HTTP layer
   * does, chunk by chunk); otherwise they are hashed here. Taken as given.
   */
  readonly sha256?: string
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
 * Judges the bytes' header, decodes them while they are written aside durably, then
 * makes the original visible byte-identical and commits the row. A refusal discards
 * what was written aside before it is answered; if the row cannot be written the blob
 * is removed again. So a failure leaves neither behind, and a crash leaves only what
 * the reconcile sweep removes (a partial file, or a blob without a row).
 */
export const uploadImage = (deps: UploadImageDeps) =>
  (cmd: UploadImageCommand): TE.TaskEither<UploadImageError, Image> =>
    pipe(
      TE.Do,
      TE.chainW(() => checkSize(cmd.bytes, deps.limits.maxBytes)),
      TE.chainW(() => TE.fromEither(decideImageName(cmd.name, cmd.fileName))),
      TE.bindTo('name'),
      TE.bind('id', () => TE.right(deps.ids.uuid())),
      TE.bindW('judged', ({ id }) => inspectWhileStaging(deps, cmd, originalKey(id))),
      TE.map(({ name, id, judged: { inspected, staged } }) => ({
        staged,
        image: {
          id,
          ownerId: cmd.ownerId,
          name,
          format: inspected.format,
          width: inspected.width,
          height: inspected.height,
          bytes: cmd.bytes.length,
          sha256: cmd.sha256 ?? deps.hasher.sha256(cmd.bytes),
          createdAt: deps.clock.now(),
        } satisfies Image,
      })),
      TE.chainW(({ image, staged }) =>
        pipe(
          staged.commit(),
          TE.orElseW((e) => discardThen(staged, e)),
          TE.chainW(() => pipe(deps.images.insert(image), TE.orElseW((e) => undo(deps.originals, image.id, e)))),
        ),
      ),
    )

const checkSize = (bytes: Buffer, maxBytes: number): TE.TaskEither<FileRequired | FileTooLarge, void> => {
  if (bytes.length === 0) return TE.left({ _tag: 'FileRequired' })
  if (bytes.length > maxBytes) return TE.left({ _tag: 'FileTooLarge', maxBytes })
  return TE.right(undefined)
}

interface Judged { readonly inspected: InspectedImage; readonly staged: StagedBlob }

/**
 * The header is judged first (magic bytes, size, pixel count), so bytes it refuses are
 * never written. Then the decode and the durable write of the original run side by side:
 * the write (and its fsync) costs no time of its own beside the decode.
 */
const inspectWhileStaging = (deps: UploadImageDeps, cmd: UploadImageCommand, key: string): TE.TaskEither<UploadImageError, Judged> =>
  pipe(
    headerFirst(deps.inspector, cmd.bytes, { maxPixels: deps.limits.maxPixels }),
    TE.chainW(({ image, decode }) =>
      pipe(
        sequenceT(T.ApplyPar)(decode(), stageBlob(deps.originals, key, cmd.bytes, contentTypeOf(image.format), { eagerThumbnailHeights: cmd.thumbnailHeights })),
        T.chain(([decoded, staged]) => settle(decoded, staged)),
        TE.map((staged) => ({ inspected: image, staged })),
      ),
    ),
  )

/** The inspector's two steps, or its one step with nothing left to decode. */
const headerFirst = (inspector: ImageInspector, bytes: Buffer, limits: { readonly maxPixels: number }): TE.TaskEither<InspectError, HeaderAccepted> =>
  inspector.readHeader?.(bytes, limits) ??
  pipe(inspector.inspect(bytes, limits), TE.map((image) => ({ image, decode: () => TE.right(undefined) })))

/** A refusal is answered before a storage failure (the client's 4xx, not a 500), and discards what was staged. */
const settle = (
  decoded: E.Either<ImageUnreadable, void>, staged: E.Either<InfrastructureFailure, StagedBlob>,
): TE.TaskEither<ImageUnreadable | InfrastructureFailure, StagedBlob> => {
  if (E.isLeft(decoded)) return E.isRight(staged) ? discardThen(staged.right, decoded.left) : TE.left(decoded.left)
  return TE.fromEither(staged)
}

/** Throws away what was staged and keeps the original error. */
const discardThen = <E>(staged: StagedBlob, error: E): TE.TaskEither<E | InfrastructureFailure, never> =>
  pipe(staged.discard(), TE.chainW(() => TE.left(error)))

/** Removes the blob of a failed upload and keeps the original error. */
const undo = <E>(originals: BlobStorage, imageId: string, error: E): TE.TaskEither<E | InfrastructureFailure, never> =>
  pipe(originals.delete(originalKey(imageId)), TE.chainW(() => TE.left(error)))
