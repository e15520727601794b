import type { Knex } from 'knex'
import ClientPgLite from 'knex-pglite'
import { migrationSource } from './migrations'

export const MIGRATIONS_TABLE = 'knex_migrations'

export const migratorConfig: Knex.MigratorConfig = { migrationSource, tableName: MIGRATIONS_TABLE }

// Arbitrary, fixed: every imgtier process agrees on it.
const MIGRATION_LOCK_KEY = 7_106_011_001

export const isPglite = (knex: Knex): boolean => knex.client instanceof ClientPgLite

/**
 * knex's own lock makes a second migrator *fail* ("Migration table is already
 * locked"), and two migrators racing to create knex_migrations collide on
 * pg_type. Instances starting together should instead wait for each other: a
 * transaction-scoped advisory lock queues them, and the later one finds nothing
 * to do. The migrator runs on another pooled connection while this one holds the
 * lock. PGlite has one connection and one process, so there is nobody to wait for.
 */
const serialised = async <A>(knex: Knex, run: () => Promise<A>): Promise<A> =>
  isPglite(knex)
    ? run()
    : knex.transaction(async (trx) => {
        await trx.raw('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK_KEY])
        return run()
      })

/** Applies every pending migration; returns the names applied. */
export const migrateLatest = (knex: Knex): Promise<readonly string[]> =>
  serialised(knex, async () => {
    const [, applied]: [unknown, string[]] = await knex.migrate.latest(migratorConfig)
    return applied
  })

/** Undoes the last batch, or every migration when `all`; returns the names undone. */
export const migrateRollback = (knex: Knex, all = false): Promise<readonly string[]> =>
  serialised(knex, async () => {
    const [, undone]: [unknown, string[]] = await knex.migrate.rollback(migratorConfig, all)
    return undone
  })
