import type { Knex } from 'knex'
import { RateLimiterMemory, RateLimiterPostgres } from 'rate-limiter-flexible'
import { checkRule, fromFlexible, type RateLimiter, type RateLimitRule } from './rate-limiter'

export interface PostgresRateLimiterOptions extends RateLimitRule {
  /** A pg-backed knex: the limiter borrows raw connections from its pool (PGlite has none). */
  readonly knex: Knex
  readonly tableName: string
  /** Separates budgets sharing one table (one prefix per route class). */
  readonly keyPrefix: string
}

// The library quotes but does not escape the table name it interpolates into SQL.
const TABLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/

/**
 * Budgets shared by every API instance on the same table: that is how several
 * instances agree on one limit. Resolves once the table exists.
 *
 * If Postgres fails mid-flight, each instance falls back to an in-memory budget of
 * the same size: limits loosen to per-instance for the outage instead of every
 * request failing, and the database outage is reported by /readyz, not here.
 */
export const postgresRateLimiter = (options: PostgresRateLimiterOptions): Promise<RateLimiter> => {
  checkRule(options)
  if (!TABLE_NAME.test(options.tableName)) throw new Error(`rate limit table name must match ${TABLE_NAME}, got ${options.tableName}`)
  const { points, durationSeconds: duration, keyPrefix } = options
  return createTable(options.knex, options.tableName).then(() =>
    fromFlexible(
      new RateLimiterPostgres({
        storeClient: options.knex,
        storeType: 'knex',
        tableName: options.tableName,
        tableCreated: true,
        keyPrefix,
        points,
        duration,
        insuranceLimiter: new RateLimiterMemory({ points, duration, keyPrefix }),
      }),
      points,
    ),
  )
}

/**
 * Creates the table the library expects, once, whoever starts first. Two instances
 * racing on CREATE TABLE IF NOT EXISTS can fail with "relation already exists" (the
 * catalog race the library only half tolerates), so creation waits on an advisory lock.
 */
const createTable = (knex: Knex, tableName: string): Promise<void> =>
  knex.transaction(async (trx) => {
    await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`imgtier:rate-limit-table:${tableName}`])
    await trx.raw(`CREATE TABLE IF NOT EXISTS "${tableName}" (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`)
  })
