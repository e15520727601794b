import { fork } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import knexFactory, { type Knex } from 'knex'
import ClientPgLite from 'knex-pglite'
import { migrateLatest } from './migrate'

export { migrateLatest, migrateRollback } from './migrate'

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

/**
 * PGlite's defaults plus a smaller shared buffer pool: 128 MB of shared_buffers is
 * PGlite's own default and most of a reopened instance's memory; the embedded default
 * serves one small instance, and the operating system's page cache still holds the
 * files. Measured in BENCHMARKS.md (bare PGlite reopen: ~380 MB → ~250 MB RSS).
 */
export const PGLITE_SHARED_BUFFERS = '16MB'
const pgliteStartParams = () => [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`]

// knex-pglite pins its pool to one connection and refuses a pool setting.
// The instance is built when knex builds its client, not when this config is.
export const pgliteConfig = (dir: string | undefined): Knex.Config => {
  const connection = (): Knex.PgConnectionConfig & { readonly pglite: object } => ({
    pglite: dir === undefined ? new PGlite({ startParams: pgliteStartParams() }) : new PGlite(dir, { startParams: pgliteStartParams() }),
  })
  return { client: ClientPgLite, connection }
}

/** Whether `dir` already holds a PGlite (Postgres) data directory. */
const isDataDirectory = (dir: string) => existsSync(path.join(dir, 'PG_VERSION'))

/**
 * Runs initdb and the migrations for a new PGlite directory in a child process that
 * exits (adapters/persistence/pglite-prepare.ts). Resolves with the child's pid.
 */
export const preparePgliteDirectory = (dir: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const ext = path.extname(__filename)
    // From source the child needs the TypeScript hook; mocha loads it without execArgv.
    const execArgv = ext === '.ts' && !process.execArgv.some((a) => a.includes('@swc-node/register')) ? [...process.execArgv, '-r', '@swc-node/register'] : process.execArgv
    const child = fork(path.join(__dirname, `pglite-prepare${ext}`), [dir], { execArgv, stdio: ['ignore', 'inherit', 'pipe', 'ipc'] })
    let stderr = ''
    child.stderr?.on('data', (b: Buffer) => { stderr = (stderr + b.toString()).slice(-2000) })
    child.once('error', reject)
    child.once('exit', (code) => (code === 0 ? resolve(child.pid ?? 0) : reject(new Error(`preparing the PGlite directory ${dir} failed (exit ${code}): ${stderr.trim()}`))))
  })

/** A knex over an already-built PGlite instance (tests clone a migrated template). */
export const pgliteInstanceConfig = (pglite: object): Knex.Config => {
  // knex-pglite's documented escape hatch for a caller-built instance; knex's
  // connection types do not name the `pglite` key, so it rides on the pg shape.
  const connection: Knex.PgConnectionConfig & { readonly pglite: object } = { pglite }
  return { client: ClientPgLite, connection: () => connection }
}

export const databaseFromKnex = (knex: Knex, kind: Database['kind']): Database => ({
  knex,
  kind,
  close: () => knex.destroy(),
  ping: async () => {
    await knex.raw('SELECT 1')
  },
})

export const openDatabase = async (opts: OpenDatabaseOptions): Promise<Database> => {
  if (opts.url === undefined && opts.pgliteDir !== undefined) {
    mkdirSync(opts.pgliteDir, { recursive: true })
    // A new directory is created and migrated in a child process: this one only reopens it.
    if (opts.migrate === true && !isDataDirectory(opts.pgliteDir)) await preparePgliteDirectory(opts.pgliteDir)
  }
  const db =
    opts.url !== undefined
      ? databaseFromKnex(knexFactory(postgresConfig(opts.url)), 'postgres')
      : databaseFromKnex(knexFactory(pgliteConfig(opts.pgliteDir)), 'pglite')
  try {
    await db.ping()
    if (opts.migrate === true) await migrateLatest(db.knex)
    return db
  } catch (e) {
    await db.close().catch(() => undefined)
    throw e
  }
}
