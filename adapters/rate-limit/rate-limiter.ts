import { createHash } from 'node:crypto'
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible'

/** The outcome of one request against its budget; the HTTP layer turns it into headers. */
export interface RateLimitDecision {
  readonly allowed: boolean
  readonly limit: number
  readonly remaining: number
  /** Seconds until the budget refills (whole seconds, rounded up). */
  readonly resetSeconds: number
}

/**
 * One budget per key. A refusal is a decision, not an error; the promise rejects only
 * when the store itself fails (and the Postgres limiter has a fallback for that).
 */
export interface RateLimiter {
  consume(key: string, points?: number): Promise<RateLimitDecision>
  /** Forgets what the key spent (a successful login clears its failed attempts). */
  reset(key: string): Promise<void>
  /** Gives back points spent on something that turned out not to count (a successful login). */
  reward(key: string, points?: number): Promise<void>
}

export interface RateLimitRule {
  readonly points: number
  readonly durationSeconds: number
}

// Keys carry client-chosen text (a username from a login body): bound their length
// so the store's varchar(255) key can never overflow, whatever is sent.
const MAX_PLAIN_KEY = 200
export const storeKey = (key: string): string =>
  key.length <= MAX_PLAIN_KEY ? key : `sha256:${createHash('sha256').update(key, 'utf8').digest('base64url')}`

export const checkRule = ({ points, durationSeconds }: RateLimitRule): void => {
  if (!Number.isInteger(points) || points < 1) throw new Error(`rate limit points must be a positive integer, got ${points}`)
  if (!Number.isInteger(durationSeconds) || durationSeconds < 1) {
    throw new Error(`rate limit duration must be a positive whole number of seconds, got ${durationSeconds}`)
  }
}

const decision = (allowed: boolean, limit: number, res: RateLimiterRes): RateLimitDecision => ({
  allowed,
  limit,
  remaining: allowed ? res.remainingPoints : 0,
  resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
})

/** Adapts any rate-limiter-flexible limiter: it rejects with a RateLimiterRes to say "no". */
export const fromFlexible = (limiter: RateLimiterAbstract, limit: number): RateLimiter => ({
  consume: async (key, points = 1) => {
    try {
      return decision(true, limit, await limiter.consume(storeKey(key), points))
    } catch (e) {
      if (e instanceof RateLimiterRes) return decision(false, limit, e)
      throw e
    }
  },
  reset: async (key) => {
    await limiter.delete(storeKey(key))
  },
  reward: async (key, points = 1) => {
    await limiter.reward(storeKey(key), points)
  },
})
