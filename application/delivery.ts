import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import type { BlobNotFound, InfrastructureFailure, RenderFailed } from '../domain/errors'
import { contentTypeOf, originalKey, thumbnailKey, type Image } from '../domain/image'
import type { BlobStorage, BlobStream, OriginalStorage } from './ports/blobs'
import { ensureThumbnail, type RenderOnceDeps } from './render-once'

/** How bytes reach the client: streamed by the API, or a redirect to a presigned URL. */
export type DeliveryMode = 'proxy' | 'redirect'

export type Delivery =
  | { readonly _tag: 'NotModified'; readonly etag: string }
  | { readonly _tag: 'Bytes'; readonly etag: string; readonly body: AsyncIterable<Uint8Array>; readonly whole?: Uint8Array; readonly length: number; readonly contentType: string }
  /** A HEAD answered from what is known (the row's size): no storage read. */
  | { readonly _tag: 'Headers'; readonly etag: string; readonly length: number; readonly contentType: string }
  | { readonly _tag: 'Redirect'; readonly etag: string; readonly url: string }

export interface DeliveryDeps extends RenderOnceDeps {
  readonly originals: OriginalStorage
  readonly delivery: DeliveryMode
}

type DeliveryError = RenderFailed | BlobNotFound | InfrastructureFailure

/** What the client asked for and may be given. */
export interface DeliveryRequest {
  readonly ifNoneMatch?: string
  readonly method: 'GET' | 'HEAD'
  /** No presigned URL may outlive this (an expiring link's remaining seconds). */
  readonly maxSeconds: number
}

/** Strong validators derived from content: no storage round trip is needed to answer 304. */
export const originalEtag = (image: Image): string => `"${image.sha256}"`
export const thumbnailEtag = (image: Image, height: number): string => `"${image.sha256.slice(0, 32)}-h${height}"`

/** RFC 9110 If-None-Match: a list of tags or `*`; weak comparison. */
export const matchesIfNoneMatch = (header: string | undefined, etag: string): boolean => {
  if (!header) return false
  if (header.trim() === '*') return true
  const bare = (tag: string) => tag.trim().replace(/^W\//, '')
  return header.split(',').some((tag) => bare(tag) === bare(etag))
}

/** Streamed, never held whole in memory: a popular 20 MiB original costs socket buffers, not 20 MiB a request. */
const bytesOf = (etag: string, contentType: string, blob: BlobStream): Delivery =>
  ({ _tag: 'Bytes', etag, body: blob.body, whole: blob.whole, length: blob.length, contentType })

/** Presigned URLs live briefly: the API stays the place where permission is checked. */
export const PRESIGN_MAX_SECONDS = 300

const redirectTo = (
  storage: BlobStorage, key: string, etag: string, contentType: string, req: DeliveryRequest,
): TE.TaskEither<DeliveryError, Delivery> => {
  const seconds = req.maxSeconds
  return storage.presignGet
    ? pipe(
        storage.presignGet(key, Math.max(1, Math.min(seconds, PRESIGN_MAX_SECONDS)), {
          method: req.method,
          contentType,
          cacheControl: `private, max-age=${Math.max(0, Math.min(seconds, PRESIGN_MAX_SECONDS))}`,
        }),
        TE.map((url): Delivery => ({ _tag: 'Redirect', etag, url })),
      )
    : TE.left({ _tag: 'InfrastructureFailure', what: 'redirect delivery needs a store that presigns', cause: undefined })
}

export const deliverOriginal = (deps: DeliveryDeps, image: Image, req: DeliveryRequest) => {
  const etag = originalEtag(image)
  if (matchesIfNoneMatch(req.ifNoneMatch, etag)) return TE.right<DeliveryError, Delivery>({ _tag: 'NotModified', etag })
  const contentType = contentTypeOf(image.format)
  const key = originalKey(image.id)
  if (deps.delivery === 'redirect') return redirectTo(deps.originals, key, etag, contentType, req)
  // The row knows the original's size, and a row always has its original (deletion marks first).
  if (req.method === 'HEAD') return TE.right<DeliveryError, Delivery>({ _tag: 'Headers', etag, length: image.bytes, contentType })
  return pipe(deps.originals.open(key), TE.map((blob) => bytesOf(etag, contentType, blob)))
}

export const deliverThumbnail = (
  deps: DeliveryDeps, image: Image, height: number, req: DeliveryRequest,
): TE.TaskEither<DeliveryError, Delivery> => {
  const etag = thumbnailEtag(image, height)
  if (matchesIfNoneMatch(req.ifNoneMatch, etag)) return TE.right({ _tag: 'NotModified', etag })
  const key = thumbnailKey(image.id, height)
  const contentType = contentTypeOf(image.format)
  if (deps.delivery === 'redirect') {
    return pipe(
      deps.thumbnails.exists(key),
      TE.chainW((cached) => (cached ? TE.right(undefined) : ensureThumbnail(deps, image, height, true))),
      TE.chainW(() => redirectTo(deps.thumbnails, key, etag, contentType, req)),
    )
  }
  // Built afresh for each look: the one after a render must see what the render stored
  // (an in-process render stores through the bytes cache, so that look costs no read).
  const read = () => pipe(deps.thumbnails.open(key), TE.map((blob) => bytesOf(etag, contentType, blob)))
  // The cache is tried first: one storage read on a hit, a render and a look on a miss.
  return pipe(
    read(),
    TE.orElse((e) => (e._tag === 'BlobNotFound' ? pipe(ensureThumbnail(deps, image, height, true), TE.chainW(read)) : TE.left(e))),
  )
}
