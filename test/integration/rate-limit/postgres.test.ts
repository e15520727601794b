import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import knexFactory, { type Knex } from 'knex'
import { postgresRateLimiter } from '../../../adapters/rate-limit'
import { postgresServer } from '../../support/database'
import { reportService } from '../../support/services'
import { rateLimiterContract } from '../../contract/rate-limiter.contract'

// RateLimiterPostgres speaks to pg connections directly, so PGlite cannot stand in:
// without TEST_DATABASE_URL or a container, a local server is tried; without any, the
// suites say they did not run.
const LOCAL = 'postgres://postgres@127.0.0.1:5432/test'

const answers = async (url: string): Promise<boolean> => {
  const probe = knexFactory({ client: 'pg', connection: { connectionString: url, connectionTimeoutMillis: 2_000 }, pool: { min: 0, max: 1 } })
  try {
    await probe.raw('select 1')
    return true
  } catch {
    return false
  } finally {
    await probe.destroy()
  }
}

let found: Promise<string | undefined> | undefined
const serverUrl = (): Promise<string | undefined> =>
  (found ??= (async () => {
    const server = await postgresServer()
    if (server) {
      reportService('rate-limit Postgres', server.description)
      return server.url
    }
    if (await answers(LOCAL)) {
      reportService('rate-limit Postgres', `local Postgres (${LOCAL})`)
      return LOCAL
    }
    reportService('rate-limit Postgres', 'NOT RUN: no Postgres answers (set TEST_DATABASE_URL)')
    return undefined
  })())

/** The server's URL, or a skipped (pending) test that says why. */
const requireServer = async (ctx: Mocha.Context): Promise<string> => {
  const url = await serverUrl()
  if (url === undefined) ctx.skip()
  return url
}

/** A table no parallel run or earlier run can share. */
const uniqueTable = (): string => `rl_test_${process.pid}_${randomBytes(4).toString('hex')}`

const openKnex = (url: string): Knex => knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 4 } })

rateLimiterContract('postgres', async function () {
  const table = uniqueTable()
  const knex = openKnex(await requireServer(this))
  return {
    make: async (rule) => postgresRateLimiter({ ...rule, knex, tableName: table, keyPrefix: randomBytes(6).toString('hex') }),
    close: async () => {
      await knex.schema.dropTableIfExists(table)
      await knex.destroy()
    },
  }
})

describe('postgresRateLimiter', () => {
  const table = uniqueTable()
  // Two pools stand for two API instances: nothing is shared but the database.
  let first: Knex | undefined
  let second: Knex | undefined
  before(async function () {
    const url = await requireServer(this)
    first = openKnex(url)
    second = openKnex(url)
  })
  after(async () => {
    await first?.schema.dropTableIfExists(table)
    await Promise.all([first?.destroy(), second?.destroy()])
  })
  const pools = (): [Knex, Knex] => {
    if (!first || !second) throw new Error('no pools')
    return [first, second]
  }

  it('creates its table on start, and two instances on one table share one budget', async () => {
    const rule = { points: 4, durationSeconds: 60, tableName: table, keyPrefix: 'login' }
    const [one, two] = pools()
    const [a, b] = await Promise.all([postgresRateLimiter({ ...rule, knex: one }), postgresRateLimiter({ ...rule, knex: two })])
    expect(await one.schema.hasTable(table)).to.equal(true)
    const decisions = []
    for (const limiter of [a, b, a, b, a, b]) decisions.push(await limiter.consume('alice|10.0.0.1'))
    expect(decisions.map((d) => d.allowed)).to.deep.equal([true, true, true, true, false, false])
    expect(decisions.map((d) => d.remaining)).to.deep.equal([3, 2, 1, 0, 0, 0])
  })

  it('keeps route classes apart on one table by key prefix', async () => {
    const base = { points: 1, durationSeconds: 60, tableName: table, knex: pools()[0] }
    const upload = await postgresRateLimiter({ ...base, keyPrefix: 'upload' })
    const link = await postgresRateLimiter({ ...base, keyPrefix: 'link' })
    expect((await upload.consume('user:1')).allowed).to.equal(true)
    expect((await link.consume('user:1')).allowed).to.equal(true)
    expect((await upload.consume('user:1')).allowed).to.equal(false)
  })

  it('refuses a table name it would have to escape', () => {
    expect(() => postgresRateLimiter({ knex: pools()[0], tableName: 'x"; drop table users; --', points: 1, durationSeconds: 1, keyPrefix: 'p' })).to.throw(/table name/)
  })
})
