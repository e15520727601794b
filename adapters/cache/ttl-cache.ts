import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import { LRUCache } from 'lru-cache'

/** What a cache did, for metrics (ops wires these into Prometheus) and tests. */
export interface CacheStats {
  readonly hits: number
  readonly misses: number
  /** Entries removed by a write (here or on another instance), not by age or size. */
  readonly invalidations: number
  /** Whole-cache drops (a reconnected listener). */
  readonly clears: number
  readonly size: number
}

export interface TtlCacheOptions {
  readonly maxEntries: number
  /** Longest trust in an entry; 0 turns the cache off (every read loads). */
  readonly ttlMs: number
  /** Monotonic milliseconds; tests pass a fake. */
  readonly now?: () => number
}

/**
 * A bounded LRU whose entries die after `ttlMs`, loaded through `through`.
 *
 * A load that overlaps an invalidation is answered but not kept: every invalidation
 * bumps an epoch, and a loaded value is stored only if the epoch did not move while
 * it was read. Otherwise a read that started before a write and finished after its
 * invalidation would put the old state back for a whole TTL.
 */
export const makeTtlCache = <V extends object>(opts: TtlCacheOptions) => {
  const now = opts.now ?? (() => performance.now())
  const enabled = opts.ttlMs > 0 && opts.maxEntries > 0
  const lru = new LRUCache<string, V>({
    max: Math.max(1, opts.maxEntries),
    ttl: Math.max(1, opts.ttlMs),
    ttlResolution: 0,
    perf: { now },
  })
  let epoch = 0
  const counts = { hits: 0, misses: 0, invalidations: 0, clears: 0 }

  const removed = (n: number) => {
    epoch++
    counts.invalidations += n
  }

  return {
    /** The entry under `key`, or what `load` answers (kept only when it is a success). */
    through: <Err>(key: string, load: () => TE.TaskEither<Err, V>): TE.TaskEither<Err, V> => async () => {
      const hit = enabled ? lru.get(key) : undefined
      if (hit !== undefined) {
        counts.hits++
        return E.right(hit)
      }
      counts.misses++
      const startedAt = epoch
      const loaded = await load()()
      if (enabled && E.isRight(loaded) && epoch === startedAt) lru.set(key, loaded.right)
      return loaded
    },
    /**
     * Runs a write and keeps what it answers under `key` (a row just written is the newest
     * state there is), unless an invalidation overlapped it. Neither a hit nor a miss.
     */
    keeping: <Err>(key: string, write: () => TE.TaskEither<Err, V>): TE.TaskEither<Err, V> => async () => {
      const startedAt = epoch
      const written = await write()()
      if (enabled && E.isRight(written) && epoch === startedAt) lru.set(key, written.right)
      return written
    },
    delete: (key: string): void => {
      removed(lru.delete(key) ? 1 : 0)
    },
    /** Removes every entry the predicate picks (writes are rare; entries are bounded). */
    deleteWhere: (pick: (value: V, key: string) => boolean): void => {
      const doomed: string[] = []
      for (const [key, value] of lru.entries()) if (pick(value, key)) doomed.push(key)
      for (const key of doomed) lru.delete(key)
      removed(doomed.length)
    },
    clear: (): void => {
      lru.clear()
      epoch++
      counts.clears++
    },
    has: (key: string): boolean => lru.has(key),
    stats: (): CacheStats => ({ ...counts, size: lru.size }),
  }
}

export type TtlCache<V extends object> = ReturnType<typeof makeTtlCache<V>>
