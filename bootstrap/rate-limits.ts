import type { RateLimiters } from '../adapters/http/rate-limit'
import type { Database } from '../adapters/persistence'
import { DEFAULT_RATE_LIMIT_POLICY, memoryRateLimiter, postgresRateLimiter, rateLimitersFor } from '../adapters/rate-limit'
import type { Config } from './config'

/**
 * Memory for one instance; Postgres when several instances must share one budget
 * (IMGTIER_RATE_LIMIT_STORE=postgres, which needs DATABASE_URL: PGlite is one process).
 */
export const makeRateLimiters = (config: Config, database: Database): Promise<RateLimiters> =>
  rateLimitersFor(DEFAULT_RATE_LIMIT_POLICY, (routeClass, rule) =>
    config.rateLimits.store === 'postgres' && database.kind === 'postgres'
      ? postgresRateLimiter({ knex: database.knex, tableName: 'rate_limits', keyPrefix: routeClass, ...rule })
      : memoryRateLimiter({ ...rule, keyPrefix: routeClass }),
  )
