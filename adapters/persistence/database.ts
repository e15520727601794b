import { fork } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import knexFactory, { type Knex } from 'knex'
import type ClientPgLite from 'knex-pglite'
import { migrateLatest } from './migrate'
import { lockPgliteDir } from './pglite-lock'

export { migrateLatest, migrateRollback } from './migrate'
export { DatabaseInUse } from './pglite-lock'

export interface Database {
  readonly knex: Knex
  readonly kind: 'postgres' | 'pglite'
  close(): Promise<void>
  /** Throws when the database does not answer (readiness checks wrap it). */
  ping(): Promise<void>
}

export interface OpenDatabaseOptions {
  /** A Postgres URL; unset means embedded PGlite. */
  readonly url?: string
  /** PGlite's data directory; unset means an in-memory PGlite. */
  readonly pgliteDir?: string
  readonly migrate?: boolean
}

export const postgresConfig = (url: string): Knex.Config => ({
  client: 'pg',
  // A database that does not answer should fail /readyz in seconds, not hang it.
  connection: { connectionString: url, connectionTimeoutMillis: 5_000, application_name: 'imgtier' },
  // min 0: an idle instance holds no connections; 10 stays well under Postgres'
  // default max_connections (100) with several instances.
  pool: { min: 0, max: 10 },
  acquireConnectionTimeout: 10_000,
})

/** PGlite (a WebAssembly Postgres) loads when first asked for: a Postgres deployment never pays for it. */
const pgliteClient = (): typeof ClientPgLite => require('knex-pglite')

// knex-pglite pins its pool to one connection and refuses a pool setting.
export const pgliteConfig = (dir: string | undefined): Knex.Config => ({
  client: pgliteClient(),
  connection: dir === undefined ? {} : { filename: dir },
})

/** A knex over an already-built PGlite instance (tests clone a migrated template). */
export const pgliteInstanceConfig = (pglite: object): Knex.Config => {
  // knex-pglite's documented escape hatch for a caller-built instance; knex's
  // connection types do not name the `pglite` key, so it rides on the pg shape.
  const connection: Knex.PgConnectionConfig & { readonly pglite: object } = { pglite }
  return { client: pgliteClient(), connection: () => connection }
}

export const databaseFromKnex = (knex: Knex, kind: Database['kind']): Database => ({
  knex,
  kind,
  close: () => knex.destroy(),
  ping: async () => {
    await knex.raw('SELECT 1')
  },
})

/** Whether `dir` already holds a PGlite (Postgres) data directory. */
const isDataDirectory = (dir: string) => existsSync(path.join(dir, 'PG_VERSION'))

/**
 * Runs initdb and the migrations for a new PGlite directory in a child process that
 * exits (pglite-prepare.ts): initdb alone takes a process to ~850 MB of RSS, and a
 * WebAssembly memory never shrinks, so a server that ran it would keep that for life.
 */
export const preparePgliteDirectory = (dir: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const ext = path.extname(__filename)
    // From source the child needs the TypeScript hook (mocha loads it without execArgv); from dist, nothing.
    const hooked = process.execArgv.some((a) => a.includes('@swc-node/register'))
    const execArgv = ext === '.ts' && !hooked ? [...process.execArgv, '-r', '@swc-node/register'] : process.execArgv
    const child = fork(path.join(__dirname, `pglite-prepare${ext}`), [dir], { execArgv, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] })
    let stderr = ''
    child.stderr?.on('data', (b: Buffer) => { stderr = (stderr + b.toString()).slice(-2000) })
    child.once('error', reject)
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`preparing the PGlite directory ${dir} failed (exit ${code}): ${stderr.trim()}`))))
  })

export const openDatabase = async (opts: OpenDatabaseOptions): Promise<Database> => {
  // The directory first: on a first start neither it nor the data dir the lock sits in exists yet.
  if (opts.url === undefined && opts.pgliteDir !== undefined) mkdirSync(opts.pgliteDir, { recursive: true })
  const lock = opts.url === undefined && opts.pgliteDir !== undefined ? lockPgliteDir(opts.pgliteDir) : undefined
  // A new directory is created and migrated by a child (ours: it works under our lock); this process only reopens it.
  if (opts.url === undefined && opts.pgliteDir !== undefined && opts.migrate === true && !isDataDirectory(opts.pgliteDir)) {
    await preparePgliteDirectory(opts.pgliteDir).catch((e: unknown) => { lock?.release(); throw e })
  }
  const opened =
    opts.url !== undefined
      ? databaseFromKnex(knexFactory(postgresConfig(opts.url)), 'postgres')
      : databaseFromKnex(knexFactory(pgliteConfig(opts.pgliteDir)), 'pglite')
  const db: Database = lock === undefined ? opened : { ...opened, close: async () => { try { await opened.close() } finally { lock.release() } } }
  try {
    await db.ping()
    if (opts.migrate === true) await migrateLatest(db.knex)
    return db
  } catch (e) {
    await db.close().catch(() => undefined)
    throw e
  }
}
