import { RateLimiterMemory } from 'rate-limiter-flexible'
import { checkRule, fromFlexible, type RateLimiter, type RateLimitRule } from './rate-limiter'

/** Budgets in this process only: right for one instance, and for tests. */
export const memoryRateLimiter = (rule: RateLimitRule & { readonly keyPrefix?: string }): RateLimiter => {
  checkRule(rule)
  return fromFlexible(
    new RateLimiterMemory({ points: rule.points, duration: rule.durationSeconds, keyPrefix: rule.keyPrefix ?? 'rl' }),
    rule.points,
  )
}

/** For IMGTIER_RATE_LIMITS=off: every request allowed, with honest headers still possible. */
export const unlimitedRateLimiter = (): RateLimiter => ({
  consume: async () => ({ allowed: true, limit: Number.MAX_SAFE_INTEGER, remaining: Number.MAX_SAFE_INTEGER, resetSeconds: 1 }),
  reset: async () => undefined,
  reward: async () => undefined,
})
