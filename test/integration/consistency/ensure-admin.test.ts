import { expect } from 'chai'
import * as E from 'fp-ts/Either'
import { ensureAdmin } from '../../../application/use-cases/ensure-admin'
import { scryptPasswordHasher } from '../../../adapters/auth'
import { objectionTierRepository, objectionUserRepository, openDatabase, type Database } from '../../../adapters/persistence'
import { cryptoIdGenerator, systemClock } from '../../../adapters/runtime'
import { freshPglite, freshPostgresUrl, type EmptyDatabase } from '../../support/database'

/** Two instances starting at once on one database: both must come up, with one admin between them. */
describe('ensuring the admin when two instances start at once', function () {
  this.timeout(60_000)
  let empty: EmptyDatabase | undefined
  let pools: Database[] = []

  beforeEach(async () => {
    empty = await freshPostgresUrl()
    if (empty) {
      const url = empty.url
      pools = await Promise.all([openDatabase({ url, migrate: true }), openDatabase({ url, migrate: true })])
    } else {
      console.log('    (no real Postgres: both runs share one PGlite; their queries still interleave)')
      const db = await freshPglite()
      pools = [db, db]
    }
  })
  afterEach(async () => {
    for (const db of new Set(pools)) await db.close()
    await empty?.drop()
  })

  const run = (db: Database, configured?: { username: string; password: string }) =>
    ensureAdmin({
      users: objectionUserRepository(db.knex), tiers: objectionTierRepository(db.knex),
      passwords: scryptPasswordHasher({ cost: { N: 1024 } }), ids: cryptoIdGenerator(), clock: systemClock(),
      randomPassword: () => `generated-${Math.random()}`,
    })(configured)()

  const admins = async () => (await pools[0]!.knex('users').where('role', 'admin').select('username')).map((r: { username: string }) => r.username)

  it('without configured credentials: one creates `admin` (and has its password to print), the other finds it', async () => {
    const results = await Promise.all(pools.map((db) => run(db)))
    const tags = results.map((r) => (E.isRight(r) ? r.right._tag : `failed: ${r.left._tag}`)).sort()
    expect(tags).to.deep.equal(['Created', 'Unchanged'])
    expect(await admins()).to.deep.equal(['admin'])
  })

  it('with configured credentials: both come up, and there is one such admin', async () => {
    const configured = { username: 'root', password: 'configured-password' }
    const results = await Promise.all(pools.map((db) => run(db, configured)))
    expect(results.every(E.isRight), JSON.stringify(results)).to.equal(true)
    expect(await admins()).to.deep.equal(['root'])
  })
})
