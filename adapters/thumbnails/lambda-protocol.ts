import * as t from 'io-ts'
import { Height } from '../../domain/tier'

/**
 * The wire between lambdaThumbnailRenderer and lambda/handler.ts. Expected failures
 * travel as data in a normal response, so the Lambda renderer answers BlobNotFound
 * exactly like the in-process one; only bugs and crashes become a FunctionError.
 */
const Key = new t.Type<string, string, unknown>(
  'BlobKey',
  (u): u is string => typeof u === 'string' && u.length > 0 && u.length <= 1024,
  (u, c) => (typeof u === 'string' && u.length > 0 && u.length <= 1024 ? t.success(u) : t.failure(u, c, 'must be a key of 1 to 1024 characters')),
  t.identity,
)

/** `x-amz-meta-thumbnail-heights: 200,400`, as the SDK hands user metadata over (lower case, no prefix). */
export const THUMBNAIL_HEIGHTS_METADATA = 'thumbnail-heights'

export const RenderPayload = t.strict({
  originalKey: Key,
  height: Height,
  format: t.keyof({ jpeg: null, png: null }),
  thumbnailKey: Key,
}, 'RenderPayload')
export type RenderPayload = t.TypeOf<typeof RenderPayload>

export const Rendered = t.strict({ thumbnailKey: t.string, width: t.number, height: t.number, bytes: t.number }, 'Rendered')

export const RenderRefused = t.strict({
  error: t.union([
    t.strict({ _tag: t.literal('BlobNotFound'), key: t.string }),
    t.strict({ _tag: t.literal('RenderFailed'), reason: t.string }),
  ]),
}, 'RenderRefused')

export const RenderResponse = t.union([Rendered, RenderRefused])
export type RenderResponse = t.TypeOf<typeof RenderResponse>

/** What Lambda puts in the payload when the function throws (X-Amz-Function-Error). */
export const FunctionErrorPayload = t.partial({ errorMessage: t.string, errorType: t.string })
