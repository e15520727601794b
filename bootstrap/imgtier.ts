import { createServer, type Server } from 'node:http'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import * as E from 'fp-ts/Either'
import pino, { type Logger } from 'pino'
import type { BlobStorage, ThumbnailRenderer } from '../application/ports/blobs'
import type { Clock } from '../application/ports/runtime'
import type { PasswordHasher } from '../application/ports/security'
import { purgeDeletedImages, type PurgeReport } from '../application/use-cases/delete-image'
import { ensureAdmin, type EnsureAdminResult } from '../application/use-cases/ensure-admin'
import { scryptPasswordHasher } from '../adapters/auth'
import { createHttpApp, type HttpApp } from '../adapters/http/app'
import type { HttpApi } from '../adapters/http/api'
import { openDatabase, type Database } from '../adapters/persistence'
import { systemClock } from '../adapters/runtime'
import { cachedThumbnails, makeCaches, type Caches, type CacheOverrides } from './caches'
import { buildContainer, type UseCaseDeps } from './container'
import type { Config } from './config'
import { devSecrets } from './dev-secrets'
import { makeRateLimiters } from './rate-limits'
import { makeRenderer, makeStorage } from './storage'
import { TOKENS } from './tokens'

/** What tests and embedders may replace; everything else comes from the config. */
export interface Overrides {
  readonly clock?: Clock
  /** A database the caller owns (it is not closed by `close()`). */
  readonly database?: Database
  readonly storage?: { readonly originals: BlobStorage; readonly thumbnails: BlobStorage }
  /** Wraps the configured renderer (tests count renders through the port). */
  readonly wrapRenderer?: (renderer: ThumbnailRenderer) => ThumbnailRenderer
  readonly passwords?: PasswordHasher
  readonly logger?: Logger
  readonly caches?: CacheOverrides
}

export interface Imgtier {
  readonly config: Config
  readonly http: HttpApp
  readonly api: HttpApi
  readonly deps: UseCaseDeps
  readonly database: Database
  readonly logger: Logger
  readonly admin: EnsureAdminResult
  /** Hot-path caches: stats for metrics, and the invalidation listener. */
  readonly caches: Caches
  /** Finishes deletions whose blob removal failed (also run at start and every minute). */
  purgeDeletedImages(): Promise<PurgeReport>
  /** Starts listening; resolves with the bound server (port 0 picks a free one). */
  listen(port?: number, host?: string): Promise<Server>
  close(): Promise<void>
}

/** Builds a whole imgtier from a config: database (migrated), storage, container, HTTP app. */
export const createImgtier = async (config: Config, overrides: Overrides = {}): Promise<Imgtier> => {
  const logger = overrides.logger ?? pino({ level: config.logLevel, base: { service: 'imgtier' } })
  const cleanups: (() => Promise<void>)[] = []
  try {
    const database = overrides.database ?? await openDatabase({
      url: config.databaseUrl,
      pgliteDir: path.join(config.dataDir, 'pglite'),
      migrate: config.migrateOnStart,
    })
    if (!overrides.database) cleanups.push(() => database.close())
    const storage = overrides.storage ?? await makeStorage(config, logger)
    const renderer = makeRenderer(config, storage)
    const caches = makeCaches(config, database, logger, overrides.caches)
    cleanups.push(() => caches.close())
    // Whatever is not configured comes from the generated development secrets.
    const dev = config.jwtSecret === undefined || config.linkKeys === undefined ? devSecrets(config.dataDir) : undefined
    const container = buildContainer({
      config, logger, database, ...storage,
      thumbnails: cachedThumbnails(caches, storage.thumbnails),
      caches: caches.hot,
      clock: overrides.clock ?? systemClock(),
      renderer: overrides.wrapRenderer ? overrides.wrapRenderer(renderer) : renderer,
      passwords: overrides.passwords ?? scryptPasswordHasher(),
      secrets: { jwtSecret: config.jwtSecret ?? dev?.jwtSecret ?? '', linkKeys: config.linkKeys ?? dev?.linkKeys ?? [] },
    })
    const deps = container.get<UseCaseDeps>(TOKENS.deps)
    const api = container.get<HttpApi>(TOKENS.api)
    const admin = await ensureAdminAtStart(deps, config)
    const rateLimiters = config.rateLimits.enabled ? await makeRateLimiters(config, database) : undefined
    const http = createHttpApp({
      api,
      logger,
      rateLimiters,
      settings: {
        publicUrl: config.publicUrl,
        maxUploadBytes: config.maxUploadBytes,
        secureCookies: config.production,
        trustProxy: config.trustProxy,
        refreshTtlSeconds: config.refreshTokenTtlSeconds,
        metricsToken: config.metricsToken,
        corsOrigins: config.corsOrigins,
      },
      readiness: [
        { name: 'database', check: () => database.ping() },
        { name: 'storage', check: async () => { const r = await storage.originals.ping()(); if (E.isLeft(r)) throw new Error(r.left.what) } },
      ],
    })
    const purge = async (): Promise<PurgeReport> => {
      const report = await purgeDeletedImages(deps)(PURGE_BATCH)()
      if (E.isLeft(report)) throw new Error(`purge sweep: ${report.left.what}`)
      if (report.right.purged > 0 || report.right.failed.length > 0) logger.info({ ...report.right }, 'purge sweep')
      return report.right
    }
    await purge().catch((err: unknown) => logger.warn({ err }, 'purge sweep at start failed; it runs again every minute'))
    const sweep = setInterval(() => { purge().catch((err: unknown) => logger.warn({ err }, 'purge sweep failed')) }, PURGE_EVERY_MS)
    sweep.unref()
    cleanups.push(async () => clearInterval(sweep))
    let server: Server | undefined
    return {
      config, http, api, deps, database, logger, admin, caches,
      purgeDeletedImages: purge,
      listen: (port = config.port, host = config.host) => new Promise((resolve, reject) => {
        const { headersMs, requestMs } = config.timeouts
        // Slow clients may not hold a connection forever (slow-loris). Node only enforces these
        // timeouts when it sweeps its connections (every 30 s by default), so sweep often enough
        // that a timeout means what it says.
        const s = createServer({
          headersTimeout: headersMs,
          requestTimeout: requestMs,
          connectionsCheckingInterval: Math.max(250, Math.min(5_000, Math.floor(headersMs / 4))),
        }, http.koa.callback())
        s.keepAliveTimeout = 5_000
        s.once('error', reject)
        s.listen(port, host, () => resolve(s))
        server = s
      }),
      close: async () => {
        if (server) await new Promise<void>((resolve) => { server?.close(() => resolve()); server?.closeAllConnections() })
        for (const cleanup of cleanups.reverse()) await cleanup()
      },
    }
  } catch (err) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined)
    throw err
  }
}

const PURGE_BATCH = 100
const PURGE_EVERY_MS = 60_000

const ensureAdminAtStart = async (deps: UseCaseDeps, config: Config): Promise<EnsureAdminResult> => {
  const result = await ensureAdmin({ ...deps, randomPassword: () => randomBytes(18).toString('base64url') })(config.admin)()
  if (E.isLeft(result)) {
    const e = result.left
    // An operator reads this: say what failed and why (an unmigrated database, a bad tier…).
    const why = e._tag === 'InfrastructureFailure' ? `${e.what}: ${e.cause instanceof Error ? e.cause.message : String(e.cause)}` : e._tag
    throw new Error(`could not ensure the admin account (${why})${config.migrateOnStart ? '' : '; IMGTIER_MIGRATE=false: has `npm run migrate` been run?'}`)
  }
  return result.right
}
