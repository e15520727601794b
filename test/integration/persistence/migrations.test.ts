import { expect } from 'chai'
import { migrateLatest, migrateRollback, openDatabase, type Database } from '../../../adapters/persistence'
import { MIGRATION_NAMES } from '../../../adapters/persistence/migrations'
import { countOf } from '../../../adapters/persistence/rows'
import { BUILT_IN_TIERS } from '../../../domain/tier'
import { freshPglite, freshPostgres, freshPostgresUrl } from '../../support/database'
import { requirePostgres } from './postgres-only'

const TABLES = ['tiers', 'users', 'images', 'refresh_tokens']

const tablesOf = async (db: Database): Promise<string[]> =>
  (await db.knex('information_schema.tables').where('table_schema', 'public').whereIn('table_name', TABLES).pluck('table_name')).sort()

const downToZeroAndBack = (make: (ctx: Mocha.Context) => Promise<Database>) => async function (this: Mocha.Context) {
  const db = await make(this)
  try {
    expect(await tablesOf(db)).to.deep.equal([...TABLES].sort())
    expect(await migrateRollback(db.knex, true)).to.deep.equal([...MIGRATION_NAMES].reverse())
    expect(await tablesOf(db)).to.deep.equal([])
    expect(await migrateLatest(db.knex)).to.deep.equal(MIGRATION_NAMES)
    expect(await db.knex('tiers').orderBy('name').pluck('name')).to.deep.equal(BUILT_IN_TIERS.map((t) => t.name).sort())
    expect(await migrateLatest(db.knex)).to.deep.equal([])
  } finally {
    await db.close()
  }
}

describe('migrations', () => {
  it('go down to zero and back up on PGlite', downToZeroAndBack(() => freshPglite()))

  it('go down to zero and back up on Postgres', downToZeroAndBack((ctx) => requirePostgres(ctx, freshPostgres)))

  // knex alone loses this race now and then (both create knex_migrations, or one
  // meets "Migration table is already locked"), so a few rounds give it a chance to.
  it('let two instances starting at once on one fresh Postgres database both succeed', async function () {
    for (let round = 0; round < 3; round++) {
      const empty = await requirePostgres(this, freshPostgresUrl)
      const opened: Database[] = []
      try {
        const results = await Promise.allSettled([0, 1].map(async () => {
          const db = await openDatabase({ url: empty.url, migrate: true })
          opened.push(db)
          return db
        }))
        expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok')), `round ${round}`).to.deep.equal(['ok', 'ok'])
        const db = opened[0]!
        expect(await db.knex('knex_migrations').orderBy('id').pluck('name')).to.deep.equal(MIGRATION_NAMES)
        expect(countOf(await db.knex('tiers').count({ n: '*' }))).to.equal(BUILT_IN_TIERS.length)
      } finally {
        await Promise.all(opened.map((db) => db.close()))
        await empty.drop()
      }
    }
  })

  it('refuse rows that break the domain bounds (CHECK constraints)', async () => {
    const db = await freshPglite()
    try {
      const tier = { id: '00000000-0000-4000-8000-000000000001', name: 'x', thumbnail_heights: [200], original_link: false, expiring_link: false, expiring_link_min: 300, expiring_link_max: 30000 }
      const bad = [
        { name: '' }, { name: 'n'.repeat(101) }, { thumbnail_heights: [] }, { thumbnail_heights: [15] }, { thumbnail_heights: [4097] },
        { thumbnail_heights: Array.from({ length: 21 }, (_, i) => 100 + i) }, { expiring_link_min: 59 }, { expiring_link_max: 604_801 },
        { expiring_link_min: 500, expiring_link_max: 400 },
      ]
      for (const change of bad) {
        const error = await db.knex('tiers').insert({ ...tier, ...change }).then(() => undefined, (e: unknown) => e)
        expect(error, JSON.stringify(change)).to.have.property('code', '23514')
      }
      await db.knex('tiers').insert(tier)
    } finally {
      await db.close()
    }
  })
})
