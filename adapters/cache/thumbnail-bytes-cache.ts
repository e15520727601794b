import * as TE from 'fp-ts/TaskEither'
import { pipe } from 'fp-ts/function'
import { LRUCache } from 'lru-cache'
import type { BlobStorage, BlobStream } from '../../application/ports/blobs'
import { infrastructureFailure, type InfrastructureFailure } from '../../domain/errors'
import type { CacheStats } from './ttl-cache'

interface Entry { readonly bytes: Buffer; readonly contentType: string }

export interface ThumbnailBytesCacheOptions {
  /** Total bytes held; 0 turns the cache off. */
  readonly maxBytes: number
}

/**
 * Rendered thumbnails in memory, bounded by their total size. A thumbnail never changes
 * once rendered (same image, same height, same bytes), so an entry needs no TTL: it
 * leaves by LRU eviction, or when its image is deleted (here, or announced by another
 * instance). The image's own metadata check still runs on every request, so a deleted
 * image's bytes are never served even before they leave.
 */
export const makeThumbnailBytesCache = (opts: ThumbnailBytesCacheOptions) => {
  const enabled = opts.maxBytes > 0
  // One thumbnail may not take more than an eighth: a few huge ones must not flush the hot set.
  const maxEntrySize = Math.max(1, Math.floor(opts.maxBytes / 8))
  const lru = new LRUCache<string, Entry>({
    maxSize: Math.max(1, opts.maxBytes),
    maxEntrySize,
    sizeCalculation: (entry) => Math.max(1, entry.bytes.length),
  })
  const counts = { hits: 0, misses: 0, invalidations: 0, clears: 0 }
  let epoch = 0

  const keep = (key: string, entry: Entry, startedAt: number) => {
    if (enabled && epoch === startedAt && entry.bytes.length <= maxEntrySize) lru.set(key, entry)
  }
  const evictPrefix = (prefix: string) => {
    const doomed = [...lru.keys()].filter((key) => key.startsWith(prefix))
    for (const key of doomed) lru.delete(key)
    epoch++
    counts.invalidations += doomed.length
  }

  const evictingAround = <A>(prefix: string, remove: () => TE.TaskEither<InfrastructureFailure, A>): TE.TaskEither<InfrastructureFailure, A> =>
    pipe(
      TE.fromIO(() => evictPrefix(prefix)),
      TE.chain(remove),
      TE.map((a) => {
        evictPrefix(prefix)
        return a
      }),
    )

  /** The thumbnail store, answering from memory when it can. */
  // Everything not named here passes through (optional capabilities included); bytes never
  // change in place, so only the removals below need to reach the cache.
  const wrap = (inner: BlobStorage): BlobStorage => ({
    ...inner,
    // Each decides hit or miss when the task runs, not when it is built: a read built
    // before a render and run after it finds the bytes the render just put.
    open: (key) => () => {
      const hit = enabled ? lru.get(key) : undefined
      if (hit !== undefined) {
        counts.hits++
        return TE.right(streamOf(hit))()
      }
      counts.misses++
      const startedAt = epoch
      return pipe(
        inner.open(key),
        TE.chainW((blob) => {
          if (!enabled || blob.length > maxEntrySize) return TE.right(blob)
          return TE.map((bytes: Buffer) => {
            const entry = { bytes, contentType: blob.contentType }
            keep(key, entry, startedAt)
            return streamOf(entry)
          })(readWhole(key, blob))
        }),
      )()
    },
    get: (key) => () => {
      const hit = enabled ? lru.get(key) : undefined
      if (hit !== undefined) {
        counts.hits++
        return TE.right({ bytes: hit.bytes, contentType: hit.contentType })()
      }
      counts.misses++
      const startedAt = epoch
      return TE.map((blob: { bytes: Buffer; contentType: string }) => {
        keep(key, blob, startedAt)
        return blob
      })(inner.get(key))()
    },
    exists: (key) => () => (enabled && lru.has(key) ? TE.right(true)() : inner.exists(key)()),
    put: (key, bytes, contentType, options) => () => {
      const startedAt = epoch
      return TE.map(() => keep(key, { bytes, contentType }, startedAt))(inner.put(key, bytes, contentType, options))()
    },
    // Evicted before and after: a read racing the removal cannot put the bytes back (epoch).
    delete: (key) => evictingAround(key, () => inner.delete(key)),
    deletePrefix: (prefix) => evictingAround(prefix, () => inner.deletePrefix(prefix)),
  })

  return {
    wrap,
    /** An image is gone: its thumbnails leave (keys are `<imageId>/<height>`). */
    evictImage: (imageId: string): void => evictPrefix(`${imageId}/`),
    has: (key: string): boolean => lru.has(key),
    stats: (): CacheStats & { readonly bytes: number } => ({ ...counts, size: lru.size, bytes: lru.calculatedSize }),
  }
}

export type ThumbnailBytesCache = ReturnType<typeof makeThumbnailBytesCache>

const streamOf = (entry: Entry): BlobStream => ({
  body: { [Symbol.asyncIterator]: async function* () { yield entry.bytes } },
  whole: entry.bytes,
  length: entry.bytes.length,
  contentType: entry.contentType,
})

/** Reads a small blob whole, so it can be kept and sent without a stream. */
const readWhole = (key: string, blob: BlobStream): TE.TaskEither<InfrastructureFailure, Buffer> =>
  TE.tryCatch(async () => {
    const chunks: Uint8Array[] = []
    for await (const chunk of blob.body) chunks.push(chunk)
    const whole = Buffer.concat(chunks)
    if (whole.length !== blob.length) throw new Error(`read ${whole.length} bytes of ${blob.length}`)
    return whole
  }, infrastructureFailure(`read thumbnail ${key}`))
