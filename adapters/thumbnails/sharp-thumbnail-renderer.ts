import * as TE from 'fp-ts/TaskEither'
import { pipe } from 'fp-ts/function'
import type { OriginalStorage, PreparedRender, RenderRequest, RenderResult, ThumbnailRenderer, ThumbnailStorage } from '../../application/ports/blobs'
import type { BlobNotFound, InfrastructureFailure, RenderFailed } from '../../domain/errors'
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
}): ThumbnailRenderer => {
  const renderFrom = (original: Buffer, req: RenderRequest): TE.TaskEither<RenderFailed | InfrastructureFailure, RenderResult> =>
    pipe(
      TE.tryCatch(() => renderThumbnail(original, req.height, req.format, deps.limits, req.displayed), renderFailed),
      TE.chainFirstW((t) => deps.thumbnails.put(req.thumbnailKey, t.bytes, contentTypeOf(req.format))),
      TE.map((t) => ({ thumbnailKey: req.thumbnailKey, width: t.width, height: t.height, bytes: t.bytes.length })),
    )
  const prepare = (req: RenderRequest): TE.TaskEither<BlobNotFound | InfrastructureFailure, PreparedRender> =>
    pipe(deps.originals.get(req.originalKey), TE.map((original) => ({ render: () => renderFrom(original.bytes, req) })))
  return { prepare, render: (req) => pipe(prepare(req), TE.chainW((prepared) => prepared.render())) }
}
