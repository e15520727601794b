import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import knexFactory, { type Knex } from 'knex'
import { postgresRateLimiter } from '../../../adapters/rate-limit'
import { postgresServer } from '../../support/database'
import { reportService } from '../../support/services'
import { rateLimiterContract } from '../../contract/rate-limiter.contract'

// RateLimiterPostgres speaks to pg connections directly, so PGlite cannot stand in:
// without TEST_DATABASE_URL or a container, the local CI server is the one to use.
const LOCAL = 'postgres://postgres@127.0.0.1:5432/test'

const serverUrl = async (): Promise<string> => {
  const server = await postgresServer()
  reportService('rate-limit Postgres', server?.description ?? `local Postgres (${LOCAL})`)
  return server?.url ?? LOCAL
}

/** A table no parallel run or earlier run can share. */
const uniqueTable = (): string => `rl_test_${process.pid}_${randomBytes(4).toString('hex')}`

const openKnex = async (): Promise<Knex> =>
  knexFactory({ client: 'pg', connection: await serverUrl(), pool: { min: 0, max: 4 } })

rateLimiterContract('postgres', () => {
  const table = uniqueTable()
  const knex = openKnex()
  return {
    make: async (rule) => postgresRateLimiter({ ...rule, knex: await knex, tableName: table, keyPrefix: randomBytes(6).toString('hex') }),
    close: async () => {
      const k = await knex
      await k.schema.dropTableIfExists(table)
      await k.destroy()
    },
  }
})

describe('postgresRateLimiter', () => {
  const table = uniqueTable()
  // Two pools stand for two API instances: nothing is shared but the database.
  let first: Knex
  let second: Knex
  before(async () => {
    first = await openKnex()
    second = await openKnex()
  })
  after(async () => {
    await first.schema.dropTableIfExists(table)
    await Promise.all([first.destroy(), second.destroy()])
  })

  it('creates its table on start, and two instances on one table share one budget', async () => {
    const rule = { points: 4, durationSeconds: 60, tableName: table, keyPrefix: 'login' }
    const [a, b] = await Promise.all([postgresRateLimiter({ ...rule, knex: first }), postgresRateLimiter({ ...rule, knex: second })])
    expect(await first.schema.hasTable(table)).to.equal(true)
    const decisions = []
    for (const limiter of [a, b, a, b, a, b]) decisions.push(await limiter.consume('alice|10.0.0.1'))
    expect(decisions.map((d) => d.allowed)).to.deep.equal([true, true, true, true, false, false])
    expect(decisions.map((d) => d.remaining)).to.deep.equal([3, 2, 1, 0, 0, 0])
  })

  it('keeps route classes apart on one table by key prefix', async () => {
    const base = { points: 1, durationSeconds: 60, tableName: table, knex: first }
    const upload = await postgresRateLimiter({ ...base, keyPrefix: 'upload' })
    const link = await postgresRateLimiter({ ...base, keyPrefix: 'link' })
    expect((await upload.consume('user:1')).allowed).to.equal(true)
    expect((await link.consume('user:1')).allowed).to.equal(true)
    expect((await upload.consume('user:1')).allowed).to.equal(false)
  })

  it('refuses a table name it would have to escape', () => {
    expect(() => postgresRateLimiter({ knex: first, tableName: 'x"; drop table users; --', points: 1, durationSeconds: 1, keyPrefix: 'p' })).to.throw(/table name/)
  })
})
