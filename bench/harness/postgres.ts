import { randomBytes } from 'node:crypto'
import { Socket } from 'node:net'
import pg from 'pg'

const LOCAL = 'postgres://postgres@127.0.0.1:5432/postgres'

const answers = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = new Socket()
    const done = (ok: boolean) => { s.destroy(); resolve(ok) }
    s.setTimeout(500, () => done(false))
    s.once('error', () => done(false))
    s.connect(port, host, () => done(true))
  })

export interface BenchDatabase {
  readonly url: string
  /** Where it came from, for the report (never with a password). */
  readonly server: string
  drop(): Promise<void>
}

const withDatabase = (url: string, name: string) => {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

/**
 * A fresh `bench_<random>` database on DATABASE_URL's server, or on the local server
 * when one answers on 127.0.0.1:5432; undefined means the bench runs on PGlite.
 */
export const benchDatabase = async (env: NodeJS.ProcessEnv): Promise<BenchDatabase | undefined> => {
  const serverUrl = env.DATABASE_URL ?? ((await answers('127.0.0.1', 5432)) ? LOCAL : undefined)
  if (serverUrl === undefined) return undefined
  const name = `bench_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const u = new URL(serverUrl)
  return {
    url: withDatabase(serverUrl, name),
    server: `Postgres ${u.hostname}:${u.port || 5432}${env.DATABASE_URL ? ' (DATABASE_URL)' : ' (local server)'}, database ${name}`,
    drop: async () => {
      const c = new pg.Client({ connectionString: serverUrl })
      await c.connect()
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await c.end()
      }
    },
  }
}
