/**
 * Creates and migrates a PGlite data directory, then exits. Forked by
 * `preparePgliteDirectory` (database.ts): initdb alone takes PGlite to ~860 MB of RSS,
 * and a WebAssembly memory never shrinks, so a server that ran it would carry that
 * high-water mark for its whole life; a process that exits gives it all back.
 * argv[2]: the data directory.
 */
import { PGlite } from '@electric-sql/pglite'
import knexFactory from 'knex'
import { pgliteInstanceConfig } from './database'
import { migrateLatest } from './migrate'

const main = async () => {
  const dir = process.argv[2]
  if (dir === undefined) throw new Error('usage: pglite-prepare <data directory>')
  const pglite = new PGlite(dir)
  // initdb can outlast knex's 60 s wait for a connection on a busy machine: wait for it here.
  await pglite.waitReady
  const knex = knexFactory(pgliteInstanceConfig(pglite))
  try {
    await migrateLatest(knex)
  } finally {
    await knex.destroy()
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  },
)
