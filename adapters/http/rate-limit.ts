import type { Context, Middleware, Next } from 'koa'
import { rateLimitHeaders, rateLimitKey, type RateLimiter, type RouteClass } from '../rate-limit'
import { isStorableText } from '../../domain/codecs'
import { fieldOf } from './body'
import { problem, sendProblem } from './problem'

export type RateLimiters = Readonly<Record<RouteClass, RateLimiter>>

/** Builds the middleware that spends one point of `routeClass`'s budget. */
export type Limit = (routeClass: RouteClass) => Middleware

/**
 * Per user when authenticated (so it runs after requireUser), per IP otherwise; login
 * attempts per username + IP (so it runs after the body is parsed).
 */
export const rateLimit = (limiters: RateLimiters | undefined): Limit => (routeClass) => async (ctx: Context, next: Next) => {
  if (!limiters) return next()
  const username = routeClass === 'login' ? fieldOf(ctx.request.body, 'username') : undefined
  const key = rateLimitKey(routeClass, {
    ip: ctx.ip,
    userId: ctx.state.principal?.user.id,
    // A username no account can have (U+0000, lone surrogates) shares the IP's anonymous budget: a key must be storable text.
    username: typeof username === 'string' && isStorableText(username) ? username : undefined,
  })
  const limiter = limiters[routeClass]
  // Spent before the attempt, so a burst of parallel guesses is capped too.
  const decision = await limiter.consume(key)
  for (const [name, value] of Object.entries(rateLimitHeaders(decision))) ctx.set(name, value)
  if (!decision.allowed) {
    return sendProblem(ctx, problem(429, 'rate_limited', 'Too many requests', `Slow down: try again in ${Math.max(1, Math.ceil(decision.resetSeconds))} s.`))
  }
  await next()
  // Logins budget failures only: a success gives the point back and clears earlier misses,
  // so a person (or a client logging in often) is never locked out by their own successes.
  if (routeClass === 'login' && ctx.status === 200) {
    await limiter.reset(key)
    ctx.set('RateLimit-Remaining', String(decision.limit))
  }
}
