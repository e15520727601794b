import * as E from 'fp-ts/Either'
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
  /**
   * A thumbnail written behind (put answered from memory) that the store then refused: it
   * has left memory too, and the next request renders it again. Nobody else hears of it.
   */
  readonly onWriteBehindFailure?: (key: string, failure: InfrastructureFailure) => void
}

/**
 * Rendered thumbnails in memory, bounded by their total size. A thumbnail never changes
 * once rendered (same image, same height, same bytes), so an entry needs no TTL: it
 * leaves by LRU eviction, or when its image is deleted (here, or announced by another
 * instance). The image's own metadata check still runs on every request, so a deleted
 * image's bytes are never served even before they leave.
 *
 * Puts are written behind: a thumbnail that fits is kept and the put answers at once,
 * while the store writes it (1–2 ms on the filesystem, more on S3, of a first render's
 * ~12 ms). Until that write lands, this instance serves and finds the bytes from memory;
 * another instance still waits on the render claim, then finds the blob. A delete waits
 * for the writes it covers, so none lands after it, and so does a listing, so it shows
 * them; `flush` waits for all (at close).
 * A thumbnail is a cache: a write that fails costs a second render, never a wrong byte.
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
  /** Written behind and not yet in the store: served from here even if the LRU let them go. */
  const writing = new Map<string, { readonly entry: Entry; readonly landed: Promise<void>; servable: boolean }>()
  const landedUnder = (prefix: string): Promise<unknown> =>
    Promise.all([...writing].filter(([key]) => key.startsWith(prefix)).map(([, w]) => w.landed))
  const beingWritten = (key: string): Entry | undefined => {
    const w = writing.get(key)
    return w?.servable ? w.entry : undefined
  }
  const inMemory = (key: string): Entry | undefined => (enabled ? lru.get(key) ?? beingWritten(key) : undefined)

  const keep = (key: string, entry: Entry, startedAt: number) => {
    if (enabled && epoch === startedAt && entry.bytes.length <= maxEntrySize) lru.set(key, entry)
  }
  const evictPrefix = (prefix: string) => {
    const doomed = [...lru.keys()].filter((key) => key.startsWith(prefix))
    for (const key of doomed) lru.delete(key)
    for (const [key, w] of writing) if (key.startsWith(prefix)) w.servable = false
    epoch++
    counts.invalidations += doomed.length
  }

  /**
   * Keeps the bytes, answers, and lets the store write them; a refused write takes them out
   * of memory again. Only called for bytes memory can hold (the put checks).
   */
  const writeBehind = (key: string, entry: Entry, write: TE.TaskEither<InfrastructureFailure, void>): void => {
    lru.set(key, entry)
    const settle = (written: E.Either<InfrastructureFailure, void>) => {
      if (writing.get(key)?.entry === entry) writing.delete(key)
      if (E.isRight(written)) return
      if (lru.peek(key) === entry) lru.delete(key)
      opts.onWriteBehindFailure?.(key, written.left)
    }
    const landed = write().then(settle, (cause: unknown) => settle(E.left(infrastructureFailure(`write thumbnail ${key}`)(cause))))
    writing.set(key, { entry, landed, servable: true })
  }

  const evictingAround = <A>(prefix: string, remove: () => TE.TaskEither<InfrastructureFailure, A>): TE.TaskEither<InfrastructureFailure, A> =>
    pipe(
      TE.fromIO(() => evictPrefix(prefix)),
      // A write still landing would put the blob back after the removal.
      TE.chain(() => TE.fromTask(() => landedUnder(prefix))),
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
      const hit = inMemory(key)
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
      const hit = inMemory(key)
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
    exists: (key) => () => (enabled && (lru.has(key) || beingWritten(key) !== undefined) ? TE.right(true)() : inner.exists(key)()),
    put: (key, bytes, contentType, options) => () => {
      const entry = { bytes, contentType }
      // Only what memory can hold is answered from memory; the rest waits for the store.
      if (enabled && bytes.length <= maxEntrySize) {
        writeBehind(key, entry, inner.put(key, bytes, contentType, options))
        return Promise.resolve(E.right(undefined))
      }
      return inner.put(key, bytes, contentType, options)()
    },
    // A listing includes what this instance has answered: the writes under it land first.
    list: (prefix) => pipe(TE.fromTask(() => landedUnder(prefix)), TE.chain(() => inner.list(prefix))),
    // Evicted before and after: a read racing the removal cannot put the bytes back (epoch).
    delete: (key) => evictingAround(key, () => inner.delete(key)),
    deletePrefix: (prefix) => evictingAround(prefix, () => inner.deletePrefix(prefix)),
  })

  return {
    wrap,
    /** An image is gone: its thumbnails leave (keys are `<imageId>/<height>`). */
    evictImage: (imageId: string): void => evictPrefix(`${imageId}/`),
    has: (key: string): boolean => lru.has(key),
    /** Every write behind has landed (or failed): the store holds what was answered. */
    flush: async (): Promise<void> => void (await landedUnder('')),
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
