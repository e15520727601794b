import { expect } from 'chai'
import { migrateLatest, migrateRollback, openDatabase, type Database } from '../../../adapters/persistence'
import { MIGRATION_NAMES } from '../../../adapters/persistence/migrations'
import * as imageCounts from '../../../adapters/persistence/migrations/20250101000004_image_counts'
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

/** Images already there when the counting migration runs are counted, marked ones not. */
const backfillsCounts = (make: (ctx: Mocha.Context) => Promise<Database>) => async function (this: Mocha.Context) {
  const db = await make(this)
  try {
    await db.knex.transaction((trx) => imageCounts.down(trx))
    const tierId: string = (await db.knex('tiers').where('name', 'Basic').pluck('id'))[0]
    const owners = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-00000000000c']
    await db.knex('users').insert(owners.map((id, i) => ({ id, username: `backfill_${i}`, password_hash: 'x', tier_id: tierId, role: 'user' })))
    await db.knex.raw(
      `INSERT INTO images (id, owner_id, name, format, width, height, bytes, sha256, deleting_since)
       SELECT gen_random_uuid(), (?::uuid[])[1 + g % 2], 'img', 'jpeg', 1, 1, 1, md5(g::text) || md5(g::text), CASE WHEN g % 5 = 0 THEN now() END
       FROM generate_series(1, 100) AS g`,
      [owners],
    )
    await db.knex.transaction((trx) => imageCounts.up(trx))
    const counts = await db.knex('image_counts').orderBy('owner_id').select('owner_id', 'live')
    // g even → owner a (50 rows, 10 marked), g odd → owner b (50 rows, 10 marked); c has none.
    expect(counts.map((c) => [c.owner_id, Number(c.live)])).to.deep.equal([[owners[0], 40], [owners[1], 40]])
  } finally {
    await db.close()
  }
}

describe('migrations', () => {
  it('go down to zero and back up on PGlite', downToZeroAndBack(() => freshPglite()))

  it('go down to zero and back up on Postgres', downToZeroAndBack((ctx) => requirePostgres(ctx, freshPostgres)))

  it('count the live images already there when image_counts arrives, on PGlite', backfillsCounts(() => freshPglite()))

  it('count the live images already there when image_counts arrives, on Postgres', backfillsCounts((ctx) => requirePostgres(ctx, freshPostgres)))

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
