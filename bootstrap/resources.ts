import type { Logger } from 'pino'
import type { Ports, UseCaseSettings } from '../application/bound-use-cases'
import type { OriginalStorage, ThumbnailRenderer, ThumbnailStorage } from '../application/ports/blobs'
import type { Clock } from '../application/ports/runtime'
import type { PasswordHasher } from '../application/ports/security'
import { deriveKey, hmacCursorSealer, hmacLinkSigner, jwtAccessTokens, randomOpaqueTokens, scryptPasswordHasher, type LinkKey } from '../adapters/auth'
import {
  objectionImageRepository, objectionRefreshTokenRepository, objectionRenderClaims, objectionTierRepository, objectionUserRepository,
  type Database,
} from '../adapters/persistence'
import { makeMetrics, measuredRenderer, type Metrics } from '../adapters/metrics'
import { cachingImageRepository, cachingRefreshTokenRepository, cachingTierRepository, cachingUserRepository } from '../adapters/cache'
import { cryptoHasher, cryptoIdGenerator, systemClock } from '../adapters/runtime'
import { sharpImageInspector } from '../adapters/thumbnails/sharp-image-inspector'
import { makeCaches, type CacheOverrides, type Caches } from './caches'
import type { Config } from './config'
import { devSecrets } from './dev-secrets'
import { makeLogger } from './logger'
import { openDatabaseAtStart, openStorageAtStart } from './start-backends'
import { makeRenderer, measuredStorage } from './storage'

/** What tests and embedders may replace; everything else comes from the config. */
export interface Overrides {
  readonly clock?: Clock
  /** A database the caller owns (it is not closed by `close()`). */
  readonly database?: Database
  readonly storage?: { readonly originals: OriginalStorage; readonly thumbnails: ThumbnailStorage }
  /** Wraps the configured renderer (tests count renders through the port). */
  readonly wrapRenderer?: (renderer: ThumbnailRenderer) => ThumbnailRenderer
  readonly passwords?: PasswordHasher
  readonly logger?: Logger
  readonly caches?: CacheOverrides
}

/** What start-up built before the ports: resources that need I/O to exist. */
export interface Resources {
  readonly config: Config
  readonly logger: Logger
  readonly clock: Clock
  readonly database: Database
  readonly originals: OriginalStorage
  readonly thumbnails: ThumbnailStorage
  readonly renderer: ThumbnailRenderer
  readonly passwords: PasswordHasher
  readonly secrets: { readonly jwtSecret: string; readonly linkKeys: readonly LinkKey[] }
  /** The instance's instruments; the stores and the renderer above are already measured into them. */
  readonly metrics: Metrics
  /** Hot-path caches: the repositories and the thumbnail store read through them (bootstrap/caches.ts). */
  readonly caches: Caches
}

/**
 * Every port given its adapter, in one object literal typed `Ports`: a forgotten port,
 * or two swapped (originals for thumbnails, the clock for the id generator), fails tsc
 * (test/types/wiring.ts proves it).
 */
export const portsOf = (r: Resources): Ports => ({
  tiers: cachingTierRepository(objectionTierRepository(r.database.knex), r.caches.hot),
  users: cachingUserRepository(objectionUserRepository(r.database.knex), r.caches.hot),
  images: cachingImageRepository(objectionImageRepository(r.database.knex), r.caches.hot),
  refreshTokens: cachingRefreshTokenRepository(objectionRefreshTokenRepository(r.database.knex), r.caches.hot),
  claims: objectionRenderClaims(r.database.knex),
  originals: r.originals,
  thumbnails: r.caches.thumbnailBytes.wrap(r.thumbnails),
  inspector: sharpImageInspector(),
  renderer: r.renderer,
  accessTokens: jwtAccessTokens({ secret: r.secrets.jwtSecret, ttlSeconds: r.config.accessTokenTtlSeconds, clock: r.clock }),
  passwords: r.passwords,
  opaqueTokens: randomOpaqueTokens({ successorKey: deriveKey(r.secrets.jwtSecret, 'refresh-successor') }),
  signer: hmacLinkSigner({ keys: r.secrets.linkKeys }),
  cursors: hmacCursorSealer({ key: deriveKey(r.secrets.jwtSecret, 'page-cursor') }),
  clock: r.clock,
  ids: cryptoIdGenerator(),
  hasher: cryptoHasher(),
})

export const settingsOf = (config: Config): UseCaseSettings => ({
  delivery: config.delivery,
  limits: { maxBytes: config.maxUploadBytes, maxPixels: config.maxPixels },
  refreshTtlSeconds: config.refreshTokenTtlSeconds,
})

/**
 * Opens what the config names: the database (migrated unless told not to), the stores,
 * the renderer, the secrets. Each clean-up is pushed as soon as its resource exists, so a
 * failure part-way closes what was opened.
 */
export const openResources = async (config: Config, overrides: Overrides, cleanups: (() => Promise<void>)[]): Promise<Resources> => {
  const logger = overrides.logger ?? makeLogger(config.logLevel)
  const metrics = makeMetrics()
  // Both wait a bounded time for a backend that is still coming up, and name it if it never does.
  const database = overrides.database ?? await openDatabaseAtStart(config, logger)
  if (!overrides.database) cleanups.push(() => database.close())
  const storage = measuredStorage(overrides.storage ?? await openStorageAtStart(config, logger), metrics)
  const caches = makeCaches(config, database, logger, overrides.caches)
  cleanups.push(() => caches.close())
  // An in-process render stores through the bytes cache: the request that asked for it is
  // answered from the buffer just written, and so is the next one, with no read back.
  // Redirect delivery never serves bytes itself, so there the cache is not filled.
  const renderStores = {
    originals: storage.originals,
    thumbnails: config.delivery === 'proxy' ? caches.thumbnailBytes.wrap(storage.thumbnails) : storage.thumbnails,
  }
  const renderer = measuredRenderer(makeRenderer(config, renderStores), config.thumbnailer.kind, metrics)
  metrics.watchMemoryCache(caches.thumbnailBytes.stats)
  // Whatever is not configured comes from the generated development secrets.
  const dev = config.jwtSecret === undefined || config.linkKeys === undefined ? devSecrets(config.dataDir) : undefined
  return {
    config, logger, metrics, database, ...storage, caches,
    clock: overrides.clock ?? systemClock(),
    renderer: overrides.wrapRenderer ? overrides.wrapRenderer(renderer) : renderer,
    passwords: overrides.passwords ?? scryptPasswordHasher(),
    secrets: { jwtSecret: config.jwtSecret ?? dev?.jwtSecret ?? '', linkKeys: config.linkKeys ?? dev?.linkKeys ?? [] },
  }
}
