import * as TE from 'fp-ts/TaskEither'
import { pipe } from 'fp-ts/function'
import type { OriginalStorage, ThumbnailRenderer, ThumbnailStorage } from '../../application/ports/blobs'
import type { RenderFailed } from '../../domain/errors'
import { contentTypeOf } from '../../domain/image'
import { type RenderLimits, renderThumbnail } from './render'

export const renderFailed = (cause: unknown): RenderFailed => ({
  _tag: 'RenderFailed',
  reason: (cause instanceof Error ? cause.message : String(cause)).split('\n', 1).join('').slice(0, 300),
  timedOut: false,
})

/** Renders in this process: reads the original, writes the thumbnail, reports its size. */
export const sharpThumbnailRenderer = (deps: {
  readonly originals: OriginalStorage
  readonly thumbnails: ThumbnailStorage
  readonly limits?: RenderLimits
}): ThumbnailRenderer => ({
  render: (req) =>
    pipe(
      deps.originals.get(req.originalKey),
      TE.chainW((original) => TE.tryCatch(() => renderThumbnail(original.bytes, req.height, req.format, deps.limits, req.displayed), renderFailed)),
      TE.chainFirstW((t) => deps.thumbnails.put(req.thumbnailKey, t.bytes, contentTypeOf(req.format))),
      TE.map((t) => ({ thumbnailKey: req.thumbnailKey, width: t.width, height: t.height, bytes: t.bytes.length })),
    ),
})
