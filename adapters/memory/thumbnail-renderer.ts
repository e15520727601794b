import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import type { OriginalStorage, RenderRequest, RenderResult, ThumbnailRenderer, ThumbnailStorage } from '../../application/ports/blobs'
import type { BlobNotFound, InfrastructureFailure, RenderFailed } from '../../domain/errors'
import { contentTypeOf } from '../../domain/image'
import { readImageHeader } from './image-header'

export interface RecordingThumbnailRenderer extends ThumbnailRenderer {
  /** Every request, in order: tests assert how often (and what) was rendered. */
  readonly calls: readonly RenderRequest[]
}

/**
 * A renderer that does not render: it reads the original (BlobNotFound when gone),
 * refuses bytes with no image header (RenderFailed), and stores a small placeholder
 * under the thumbnail key, sized as a real render would be (never upscaled). Every
 * call is recorded.
 */
export const recordingThumbnailRenderer = (stores: { readonly originals: OriginalStorage; readonly thumbnails: ThumbnailStorage }): RecordingThumbnailRenderer => {
  const calls: RenderRequest[] = []
  return {
    calls,
    render: (req) =>
      pipe(
        TE.rightIO<never, void>(() => { calls.push(req) }),
        TE.chainW(() => stores.originals.get(req.originalKey)),
        TE.chainW((original): TE.TaskEither<RenderFailed | BlobNotFound | InfrastructureFailure, RenderResult> => {
          const header = readImageHeader(original.bytes)
          if (!header) return TE.left<RenderFailed>({ _tag: 'RenderFailed', reason: 'the original has no image header', timedOut: false })
          const height = Math.min(req.height, header.height)
          const width = Math.max(1, Math.round((header.width * height) / header.height))
          const bytes = Buffer.from(`thumbnail ${width}x${height} of ${req.originalKey}`)
          return pipe(
            stores.thumbnails.put(req.thumbnailKey, bytes, contentTypeOf(req.format)),
            TE.map(() => ({ thumbnailKey: req.thumbnailKey, width, height, bytes: bytes.length })),
          )
        }),
      ),
  }
}
