export type { RateLimitDecision, RateLimiter, RateLimitRule } from './rate-limiter'
export { memoryRateLimiter, unlimitedRateLimiter } from './memory-rate-limiter'
export { postgresRateLimiter, type PostgresRateLimiterOptions } from './postgres-rate-limiter'
export {
  DEFAULT_RATE_LIMIT_POLICY, ROUTE_CLASSES, rateLimitersFor, rateLimitHeaders, rateLimitKey,
  type RateLimitPolicy, type RateLimitSubject, type RouteClass,
} from './policy'
