import type { RateLimiters } from '../adapters/http/rate-limit'
import type { Database } from '../adapters/persistence'
import { memoryRateLimiter, postgresRateLimiter, rateLimitersFor } from '../adapters/rate-limit'
import type { Config } from './config'

/**
 * Memory for one instance; Postgres when several instances must share one budget
 * (IMGTIER_RATE_LIMIT_STORE=postgres, which needs DATABASE_URL: PGlite is one process).
 * Budgets default to DEFAULT_RATE_LIMIT_POLICY; IMGTIER_RATE_LIMIT_<CLASS>=points/seconds overrides one.
 */
export const makeRateLimiters = (config: Config, database: Database): Promise<RateLimiters> =>
  rateLimitersFor(config.rateLimits.policy, (routeClass, rule) =>
    config.rateLimits.store === 'postgres' && database.kind === 'postgres'
      ? postgresRateLimiter({ knex: database.knex, tableName: 'rate_limits', keyPrefix: routeClass, ...rule })
      : memoryRateLimiter({ ...rule, keyPrefix: routeClass }),
  )
