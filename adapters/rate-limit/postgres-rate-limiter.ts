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
 * instances agree on one limit. Resolves once the table exists (created if missing;
 * concurrent creation by another instance is tolerated by the library).
 *
 * If Postgres fails mid-flight, each instance falls back to an in-memory budget of
 * the same size: limits loosen to per-instance for the outage instead of every
 * request failing, and the database outage is reported by /readyz, not here.
 */
export const postgresRateLimiter = (options: PostgresRateLimiterOptions): Promise<RateLimiter> => {
  checkRule(options)
  if (!TABLE_NAME.test(options.tableName)) throw new Error(`rate limit table name must match ${TABLE_NAME}, got ${options.tableName}`)
  const { points, durationSeconds: duration, keyPrefix } = options
  return new Promise((resolve, reject) => {
    // Without this callback a failed CREATE TABLE would be an unhandled rejection.
    const limiter: RateLimiterPostgres = new RateLimiterPostgres(
      {
        storeClient: options.knex,
        storeType: 'knex',
        tableName: options.tableName,
        keyPrefix,
        points,
        duration,
        insuranceLimiter: new RateLimiterMemory({ points, duration, keyPrefix }),
      },
      (err?: Error) => (err ? reject(err) : resolve(fromFlexible(limiter, points))),
    )
  })
}
