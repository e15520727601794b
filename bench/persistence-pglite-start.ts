/**
 * How fast can a test get a fresh, migrated PGlite? Run on purpose:
 *   node -r @swc-node/register bench/persistence-pglite-start.ts
 * Compares a cold start (initdb + migrations), a clone of a migrated in-memory
 * template (what test/support/database.ts does), and copying a migrated data
 * directory then opening it.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import knexFactory from 'knex'
import { openDatabase, pgliteInstanceConfig } from '../adapters/persistence/database'
import { migrateLatest } from '../adapters/persistence/migrate'

const timed = async <A>(label: string, f: () => Promise<A>): Promise<A> => {
  const t0 = performance.now()
  const a = await f()
  console.log(`${label.padEnd(44)} ${(performance.now() - t0).toFixed(0).padStart(6)} ms   rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`)
  return a
}

const main = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'imgtier-bench-'))
  try {
    const cold = await timed('cold in-memory start + migrate', async () => {
      const pglite = new PGlite()
      const knex = knexFactory(pgliteInstanceConfig(pglite))
      await migrateLatest(knex)
      return { pglite, knex }
    })
    for (let i = 0; i < 3; i++) {
      await timed(`clone of migrated template #${i + 1}`, async () => {
        const knex = knexFactory(pgliteInstanceConfig(await cold.pglite.clone()))
        await knex.raw('SELECT count(*) FROM tiers')
        await knex.destroy()
      })
    }
    const template = join(dir, 'template')
    await timed('cold on-disk start + migrate', async () => (await openDatabase({ pgliteDir: template, migrate: true })).close())
    for (let i = 0; i < 3; i++) {
      await timed(`copy migrated dir + open #${i + 1}`, async () => {
        const copy = join(dir, `copy-${i}`)
        await cp(template, copy, { recursive: true })
        const db = await openDatabase({ pgliteDir: copy })
        await db.knex.raw('SELECT count(*) FROM tiers')
        await db.close()
      })
    }
    await cold.knex.destroy()
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
