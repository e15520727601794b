import { createServer, type Server } from 'node:http'
import * as E from 'fp-ts/Either'
import type { Logger } from 'pino'
import type { UseCaseDeps, UseCases } from '../application/bound-use-cases'
import type { PurgeReport } from '../application/use-cases/purge-deleted-images'
import type { EnsureAdminResult } from '../application/use-cases/ensure-admin'
import { createHttpApp, type HttpApp } from '../adapters/http/app'
import { drainable, type Drainable } from '../adapters/http/drain'
import type { Database } from '../adapters/persistence'
import type { Caches } from './caches'
import type { Config } from './config'
import { createCore } from './core'
import { makeRateLimiters } from './rate-limits'
import type { Overrides } from './resources'

export type { Overrides } from './resources'

export interface Imgtier {
  readonly config: Config
  readonly http: HttpApp
  readonly api: UseCases
  readonly deps: UseCaseDeps
  readonly database: Database
  readonly logger: Logger
  readonly admin: EnsureAdminResult
  /** Hot-path caches: their stats (for metrics) and the invalidation listener. */
  readonly caches: Caches
  /** Finishes deletions whose blob removal failed (also run at start and every minute). */
  purgeDeletedImages(): Promise<PurgeReport>
  /** Starts listening; resolves with the bound server (port 0 picks a free one). */
  listen(port?: number, host?: string): Promise<Server>
  close(): Promise<void>
}

/** The core (createCore) from a config, with its admin and purge sweep, plus the HTTP edge. */
export const createImgtier = async (config: Config, overrides: Overrides = {}): Promise<Imgtier> => {
  const core = await createCore(config, { overrides, ensureAdmin: true, purgeSweep: true })
  const { database, logger, deps, useCases: api } = core
  // Asked for above, so present: the fallback only keeps the type honest.
  const admin: EnsureAdminResult = core.admin ?? { _tag: 'Unchanged' }
  // Set once listening; a drain (close) makes readiness fail at once, before anything stops.
  let drain: Drainable | undefined
  try {
    const rateLimiters = config.rateLimits.enabled ? await makeRateLimiters(config, database) : undefined
    const http = createHttpApp({
      api,
      logger,
      metrics: core.resources.metrics,
      rateLimiters,
      settings: {
        publicUrl: config.publicUrl,
        maxUploadBytes: config.maxUploadBytes,
        secureCookies: config.production,
        trustProxy: config.trustProxy,
        refreshTtlSeconds: config.refreshTokenTtlSeconds,
        metricsToken: config.metricsToken,
        accessLog: config.accessLog,
        corsOrigins: config.corsOrigins,
      },
      draining: () => drain?.draining() ?? false,
      readiness: [
        { name: 'database', check: () => database.ping() },
        { name: 'storage', check: async () => { const r = await deps.originals.ping()(); if (E.isLeft(r)) throw new Error(r.left.what) } },
      ],
    })
    return {
      config, http, api, deps, database, logger, admin, caches: core.resources.caches,
      purgeDeletedImages: core.purgeDeletedImages,
      listen: (port = config.port, host = config.host) => new Promise((resolve, reject) => {
        const { headersMs, requestMs } = config.timeouts
        // Slow clients may not hold a connection forever (slow-loris). Node only enforces these
        // timeouts when it sweeps its connections (every 30 s by default), so sweep often enough
        // that a timeout means what it says.
        const s = createServer({
          headersTimeout: headersMs,
          requestTimeout: requestMs,
          connectionsCheckingInterval: Math.max(250, Math.min(5_000, Math.floor(headersMs / 4))),
        })
        // The drain tracker sees each request before it is answered (the liveness answer is synchronous).
        drain = drainable(s)
        s.on('request', http.listener)
        s.keepAliveTimeout = 5_000
        s.once('error', reject)
        s.listen(port, host, () => resolve(s))
      }),
      // Requests in flight finish (within the grace) before the timers, listeners and pools they use stop.
      close: async () => {
        if (drain) {
          logger.info({ graceMs: config.shutdownGraceMs }, 'draining: readiness fails, new connections are refused')
          const report = await drain.drain(config.shutdownGraceMs)
          if (report.cut > 0) logger.warn({ ...report }, 'drained: connections still busy at the end of the grace were cut')
          else logger.info({ ...report }, 'drained: every request in flight finished')
        }
        await core.close()
      },
    }
  } catch (err) {
    await core.close().catch(() => undefined)
    throw err
  }
}
