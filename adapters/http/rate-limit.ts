import type { Context, Middleware, Next } from 'koa'
import { rateLimitHeaders, rateLimitKey, type RateLimitDecision, type RateLimiter, type RateLimitSubject, type RouteClass } from '../rate-limit'
import { isStorableText } from '../../domain/codecs'
import { fieldOf } from './body'
import { problem, sendProblem, type Problem } from './problem'

export type RateLimiters = Readonly<Record<RouteClass, RateLimiter>>

/** Builds the middleware that spends one point of `routeClass`'s budget (`login` spends two: see below). */
export type Limit = (routeClass: Exclude<RouteClass, 'loginIp'>) => Middleware

/** One point spent from one budget, remembered so it can be given back. */
interface Spent { readonly limiter: RateLimiter; readonly key: string; readonly decision: RateLimitDecision }

export const spend = async (limiters: RateLimiters, routeClass: RouteClass, subject: RateLimitSubject): Promise<Spent> => {
  const key = rateLimitKey(routeClass, subject)
  const limiter = limiters[routeClass]
  return { limiter, key, decision: await limiter.consume(key) }
}

const setHeaders = (ctx: Context, decision: RateLimitDecision): void => {
  for (const [name, value] of Object.entries(rateLimitHeaders(decision))) ctx.set(name, value)
}

/** The answer to a request its budget refused. */
export const rateLimited = (decision: RateLimitDecision): Problem =>
  problem(429, 'rate_limited', 'Too many requests', `Slow down: try again in ${Math.max(1, Math.ceil(decision.resetSeconds))} s.`)

const refuse = (ctx: Context, decision: RateLimitDecision): void => {
  setHeaders(ctx, decision)
  sendProblem(ctx, rateLimited(decision))
}

/** The budget nearer its end is the one a client needs to hear about. */
const tighter = (a: RateLimitDecision, b: RateLimitDecision): RateLimitDecision => (b.remaining < a.remaining ? b : a)

/**
 * Per user when authenticated (so it runs after requireUser), per IP otherwise; login
 * attempts per username + IP and per IP across usernames (so it runs after the body is parsed).
 */
export const rateLimit = (limiters: RateLimiters | undefined): Limit => (routeClass) => async (ctx: Context, next: Next) => {
  if (!limiters) return next()
  const username = routeClass === 'login' ? fieldOf(ctx.request.body, 'username') : undefined
  // A username no account can have (U+0000, lone surrogates) counts as none: a key must be storable text.
  const subject = { ip: ctx.ip, userId: ctx.state.principal?.user.id, username: typeof username === 'string' && isStorableText(username) ? username : undefined }
  if (routeClass === 'login') return limitLogin(limiters, subject, ctx, next)
  // Spent before the attempt, so a burst of parallel requests is capped too.
  const { decision } = await spend(limiters, routeClass, subject)
  if (!decision.allowed) return refuse(ctx, decision)
  setHeaders(ctx, decision)
  await next()
}

/**
 * Two budgets, failures only: per username + IP (guessing one account's password) and
 * per IP across usernames (spraying one password over many accounts). The IP's point is
 * spent first, so a refused sprayer costs no per-account point; a try the per-account
 * budget refuses gives the IP's point back, since no password was checked. A success
 * gives both back and clears the account's earlier misses, so a person (or a client
 * logging in often) is never locked out by their own successes.
 */
const limitLogin = async (limiters: RateLimiters, subject: RateLimitSubject, ctx: Context, next: Next): Promise<void> => {
  const ip = await spend(limiters, 'loginIp', subject)
  if (!ip.decision.allowed) return refuse(ctx, ip.decision)
  const account = await spend(limiters, 'login', subject)
  if (!account.decision.allowed) {
    await ip.limiter.reward(ip.key)
    return refuse(ctx, account.decision)
  }
  setHeaders(ctx, tighter(account.decision, ip.decision))
  await next()
  if (ctx.status === 200) {
    await Promise.all([account.limiter.reset(account.key), ip.limiter.reward(ip.key)])
    setHeaders(ctx, tighter(
      { ...account.decision, remaining: account.decision.limit },
      { ...ip.decision, remaining: Math.min(ip.decision.limit, ip.decision.remaining + 1) },
    ))
  }
}
