import { randomBytes } from 'node:crypto'
import * as E from 'fp-ts/Either'
import type { Logger } from 'pino'
import { useCaseDeps, type Ports, type UseCaseDeps, type UseCases, type UseCaseSettings } from '../application/bound-use-cases'
import type { PurgeReport } from '../application/use-cases/purge-deleted-images'
import { ensureAdmin, type EnsureAdminResult } from '../application/use-cases/ensure-admin'
import { removeStaleTemporaries } from '../application/use-cases/reconcile-blobs'
import type { Database } from '../adapters/persistence'
import type { Config } from './config'
import { buildContainer, DEPS, resolve, USE_CASES } from './container'
import type { Overrides, Resources } from './resources'

export { loadConfig, type Config } from './config'

/** What runs besides the use-cases: nothing unless asked. */
export interface CoreOptions {
  /**
   * Finish deletions whose blob removal failed, once at start and then every minute; and
   * remove, at start, the partial files a crash left mid-write.
   */
  readonly purgeSweep?: boolean
}

export interface ConfiguredCoreOptions extends CoreOptions {
  readonly overrides?: Overrides
  /** Make sure an admin account exists (the configured one, or `admin` with a generated password). */
  readonly ensureAdmin?: boolean
}

/** Adapters chosen by the embedder: every port, and optionally the settings. */
export interface PortsSource {
  readonly ports: Ports
  readonly settings?: UseCaseSettings
  /** Where the purge sweep reports; silent without one. */
  readonly logger?: Logger
}

/** The bound use-cases without any HTTP server. */
export interface Core {
  readonly useCases: UseCases
  readonly deps: UseCaseDeps
  /** Finishes deletions whose blob removal failed. */
  purgeDeletedImages(): Promise<PurgeReport>
  /** Stops the sweep and closes what the core opened (never what the caller passed in). */
  close(): Promise<void>
}

export interface ConfiguredCore extends Core {
  readonly config: Config
  readonly database: Database
  readonly logger: Logger
  readonly resources: Resources
  /** Present when `ensureAdmin` was asked for. */
  readonly admin?: EnsureAdminResult
}

/** Partial files a crash left mid-write (kill -9 during uploads) go at start; reconcile removes younger ones. */
const sweepTemporaries = async (deps: UseCaseDeps, logger: Logger | undefined): Promise<void> => {
  const removed = await removeStaleTemporaries(deps)()()
  if (E.isLeft(removed)) logger?.warn({ what: removed.left.what }, 'removing partial files at start failed; npm run reconcile removes them')
  else if (removed.right > 0) logger?.info({ removed: removed.right }, 'removed partial files left by an interrupted write')
}

/** A successful render leaves its claim to expire; expired claims go at start and with every purge sweep. */
const clearRenderClaims = async (deps: UseCaseDeps, which: 'expired' | 'all', logger: Logger | undefined): Promise<void> => {
  const cleared = await deps.claims.clear(which)()
  if (E.isLeft(cleared)) logger?.warn({ what: cleared.left.what }, 'clearing thumbnail render claims failed')
}

const PURGE_BATCH = 100
const PURGE_EVERY_MS = 60_000

/**
 * imgtier without HTTP: from a config (database, storage and renderer opened as it names
 * them), or from ports the caller built (in-memory ones from `imgtier/testing`, say).
 * No timer runs and no account is created unless the options ask.
 */
export function createCore(source: PortsSource, options?: CoreOptions): Promise<Core>
export function createCore(config: Config, options?: ConfiguredCoreOptions): Promise<ConfiguredCore>
export async function createCore(source: PortsSource | Config, options: ConfiguredCoreOptions = {}): Promise<Core | ConfiguredCore> {
  if ('ports' in source) return assemble(useCaseDeps(source.ports, source.settings), options, source.logger, [])
  const cleanups: (() => Promise<void>)[] = []
  try {
    // Loaded here, not at the top: an embedder passing its own ports never loads knex, pg or the AWS SDK.
    const { openResources, portsOf, settingsOf } = await import('./resources')
    const resources = await openResources(source, options.overrides ?? {}, cleanups)
    const deps = useCaseDeps(portsOf(resources), settingsOf(source))
    const admin = options.ensureAdmin ? await ensureAdminAtStart(deps, source) : undefined
    // A PGlite this instance opened has no other user: every claim in it is a crash's leftover.
    const soleUser = options.overrides?.database === undefined && resources.database.kind === 'pglite'
    await clearRenderClaims(deps, soleUser ? 'all' : 'expired', resources.logger)
    const core = await assemble(deps, options, resources.logger, cleanups)
    return { ...core, config: source, database: resources.database, logger: resources.logger, resources, ...(admin ? { admin } : {}) }
  } catch (err) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined)
    throw err
  }
}

const assemble = async (
  deps: UseCaseDeps, options: CoreOptions, logger: Logger | undefined, cleanups: (() => Promise<void>)[],
): Promise<Core> => {
  const container = buildContainer(deps)
  const useCases = resolve(container, USE_CASES)
  const purge = async (): Promise<PurgeReport> => {
    const report = await useCases.purgeDeletedImages(PURGE_BATCH)()
    if (E.isLeft(report)) throw new Error(`purge sweep: ${report.left.what}`)
    if (report.right.purged > 0 || report.right.failed.length > 0) logger?.info({ ...report.right }, 'purge sweep')
    return report.right
  }
  if (options.purgeSweep) {
    await purge().catch((err: unknown) => logger?.warn({ err }, 'purge sweep at start failed; it runs again every minute'))
    await sweepTemporaries(deps, logger)
    const sweep = setInterval(() => {
      purge().catch((err: unknown) => logger?.warn({ err }, 'purge sweep failed'))
      void clearRenderClaims(deps, 'expired', logger)
    }, PURGE_EVERY_MS)
    sweep.unref()
    cleanups.push(async () => clearInterval(sweep))
  }
  return {
    useCases,
    deps: resolve(container, DEPS),
    purgeDeletedImages: purge,
    close: async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
    },
  }
}

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
