/**
 * Databases for tests (DESIGN.md §5), found in this order:
 *   1. TEST_DATABASE_URL: a real Postgres server;
 *   2. a Postgres container, when a container runtime answers;
 *   3. embedded PGlite.
 * On a server (1 or 2) every call creates its own uniquely named database and drops
 * it on close, so parallel runs and other engineers' suites never share rows.
 */
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { cp, mkdtemp, rename, rm } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import knexFactory, { type Knex } from 'knex'
import { openDatabase, type Database } from '../../adapters/persistence/database'
import { migrationSource } from '../../adapters/persistence/migrations'
import { reportService } from './services'

export interface PostgresServer {
  /** A URL of the server's maintenance database; fresh databases live beside it. */
  readonly url: string
  readonly description: string
}

const withDatabase = (url: string, database: string): string => {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.toString()
}

// Only sockets and DOCKER_HOST are looked at first: asking testcontainers on a machine
// without a runtime costs seconds of retries, and most machines here have none.
const runtimeSocketHints = (): boolean =>
  (process.env.DOCKER_HOST ?? '') !== '' ||
  [
    '/var/run/docker.sock',
    join(homedir(), '.docker/run/docker.sock'),
    join(homedir(), '.colima/default/docker.sock'),
    ...(process.env.XDG_RUNTIME_DIR ? [join(process.env.XDG_RUNTIME_DIR, 'podman/podman.sock'), join(process.env.XDG_RUNTIME_DIR, 'docker.sock')] : []),
  ].some((p) => existsSync(p))

const within = <A>(ms: number, p: Promise<A>): Promise<A> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())])

const startContainer = async (): Promise<PostgresServer | undefined> => {
  if (!runtimeSocketHints()) return undefined
  try {
    const { getContainerRuntimeClient } = await import('testcontainers')
    await within(3_000, getContainerRuntimeClient())
  } catch {
    // A socket file without a live runtime behind it: fall through to PGlite.
    return undefined
  }
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql')
  const container = await new PostgreSqlContainer('postgres:16-alpine').start()
  return { url: container.getConnectionUri(), description: `Postgres container (testcontainers, ${container.getHost()}:${container.getPort()})` }
}

let serverOnce: Promise<PostgresServer | undefined> | undefined

/** The real Postgres server this run may use, or undefined (then tests use PGlite). */
export const postgresServer = (): Promise<PostgresServer | undefined> =>
  (serverOnce ??= (async () => {
    const env = process.env.TEST_DATABASE_URL
    if (env !== undefined && env !== '') {
      const u = new URL(env)
      return { url: env, description: `Postgres from TEST_DATABASE_URL (${u.host}), one fresh database per harness` }
    }
    return startContainer()
  })())

export const realPostgresAvailable = async (): Promise<boolean> => (await postgresServer()) !== undefined

let adminOnce: Knex | undefined
const admin = (server: PostgresServer): Knex =>
  (adminOnce ??= knexFactory({ client: 'pg', connection: server.url, pool: { min: 0, max: 2 } }))

export interface EmptyDatabase {
  readonly url: string
  drop(): Promise<void>
}

/** A new, empty (unmigrated) database on the real server, or undefined without one. */
export const freshPostgresUrl = async (): Promise<EmptyDatabase | undefined> => {
  const server = await postgresServer()
  if (server === undefined) return undefined
  const name = `imgtier_t_${randomBytes(6).toString('hex')}`
  await admin(server).raw(`CREATE DATABASE ${name}`)
  return {
    url: withDatabase(server.url, name),
    // FORCE: a test that failed half-way may still hold connections.
    drop: async () => {
      await admin(server).raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    },
  }
}

/** A fresh, migrated database on the real Postgres server, or undefined without one. */
export const freshPostgres = async (opts: { migrate?: boolean } = {}): Promise<Database | undefined> => {
  const empty = await freshPostgresUrl()
  if (empty === undefined) return undefined
  reportService('postgres', (await postgresServer())?.description ?? '')
  try {
    const db = await openDatabase({ url: empty.url, migrate: opts.migrate ?? true })
    return {
      ...db,
      close: async () => {
        await db.close()
        await empty.drop()
      },
    }
  } catch (e) {
    await empty.drop()
    throw e
  }
}

// A fresh PGlite costs seconds (initdb in WASM, then the migrations). Copying an
// already-migrated data directory and opening the copy is several times cheaper and
// cheaper than PGlite's own clone() (bench/persistence-pglite-start.ts). The template
// is shared by every test process on the machine and rebuilt whenever a migration's
// code or the PGlite version changes (its fingerprint names the directory); it is
// built aside and renamed into place, so concurrent runs never see half of one.
const templateFingerprint = async (): Promise<string> => {
  const hash = createHash('sha256')
  hash.update(readFileSync(join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json')))
  for (const m of await migrationSource.getMigrations([])) {
    const migration = await migrationSource.getMigration(m)
    hash.update(`${migrationSource.getMigrationName(m)}\n${String(migration.up)}\n${String(migration.down)}\n`)
  }
  return hash.digest('hex').slice(0, 16)
}

let templateOnce: Promise<string> | undefined
/** A migrated PGlite data directory, made once per run; copy it, never open it. */
export const pgliteTemplate = (): Promise<string> =>
  (templateOnce ??= (async () => {
    const dir = join(tmpdir(), `imgtier-pglite-template-${await templateFingerprint()}`)
    if (existsSync(dir)) return dir
    const building = await mkdtemp(join(tmpdir(), 'imgtier-pglite-building-'))
    try {
      await (await openDatabase({ pgliteDir: building, migrate: true })).close()
      await rename(building, dir)
    } catch (e) {
      await rm(building, { recursive: true, force: true })
      // Another process renamed its template into place first: use that one.
      if (!existsSync(dir)) throw e
    }
    return dir
  })())

/** A fresh, migrated PGlite in its own temporary directory, removed on close. */
export const freshPglite = async (): Promise<Database> => {
  reportService('pglite', 'embedded PGlite, a copy of one migrated template directory per harness')
  const copy = await mkdtemp(join(tmpdir(), 'imgtier-pglite-fresh-'))
  try {
    await cp(await pgliteTemplate(), copy, { recursive: true })
    const db = await openDatabase({ pgliteDir: copy })
    return {
      ...db,
      close: async () => {
        await db.close()
        await rm(copy, { recursive: true, force: true })
      },
    }
  } catch (e) {
    await rm(copy, { recursive: true, force: true })
    throw e
  }
}

/** A fresh, migrated database of the configured kind: real Postgres when found, else PGlite. */
export const freshDatabase = async (): Promise<Database> => {
  const server = await postgresServer()
  reportService('database', server?.description ?? 'embedded PGlite (no TEST_DATABASE_URL, no container runtime)')
  return (await freshPostgres()) ?? freshPglite()
}

/** Closes the admin connection (mocha --exit would also end it). */
export const closeTestDatabases = async (): Promise<void> => {
  const a = adminOnce
  adminOnce = undefined
  if (a) await a.destroy()
}
