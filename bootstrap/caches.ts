import type { Logger } from 'pino'
import {
  inProcessInvalidationBusOf, makeHotCaches, makeThumbnailBytesCache, pgInvalidationBus,
  type HotCaches, type InvalidationBus, type PgInvalidationBus, type ThumbnailBytesCache,
} from '../adapters/cache'
import type { Database } from '../adapters/persistence'
import type { Config } from './config'

/** An instance's hot-path caches and the bus that keeps them honest (README: "Caches"). */
export interface Caches {
  readonly hot: HotCaches
  readonly thumbnailBytes: ThumbnailBytesCache
  readonly bus: InvalidationBus
  /** Present on Postgres with a URL: the LISTEN connection (tests terminate it). */
  readonly listener?: PgInvalidationBus
  close(): Promise<void>
}

export interface CacheOverrides {
  /** First wait before a lost listener reconnects (tests hold it off to show the TTL bound). */
  readonly listenerReconnectDelayMs?: number
}

/**
 * On Postgres with a URL, instances tell each other through LISTEN/NOTIFY; otherwise
 * (embedded PGlite: one process) the in-process bus of the database handle is all.
 */
export const makeCaches = (config: Config, database: Database, logger: Logger, overrides: CacheOverrides = {}): Caches => {
  const listener = database.kind === 'postgres' && config.databaseUrl !== undefined
    ? pgInvalidationBus({ connectionString: config.databaseUrl, knex: database.knex, logger, reconnectDelayMs: overrides.listenerReconnectDelayMs })
    : undefined
  const bus = listener ?? inProcessInvalidationBusOf(database.knex)
  const hot = makeHotCaches({ ttlMs: config.cacheTtlMs }, bus)
  const thumbnailBytes = makeThumbnailBytesCache({
    maxBytes: config.thumbnailCacheBytes,
    onWriteBehindFailure: (key, failure) => logger.warn({ key, what: failure.what, err: failure.cause }, 'a rendered thumbnail could not be stored; it will be rendered again'),
  })
  hot.onImageGone(thumbnailBytes.evictImage)
  return {
    hot, thumbnailBytes, bus, listener,
    close: async () => {
      // Thumbnails answered from memory land in the store before the instance goes.
      await thumbnailBytes.flush()
      hot.close()
      await listener?.close()
    },
  }
}
