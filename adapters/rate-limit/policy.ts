import type { RateLimitDecision, RateLimiter, RateLimitRule } from './rate-limiter'

/**
 * Which budget a request spends:
 * - `login`:  POST /auth/login, per username + client IP — slows password guessing
 *             against one account without letting a stranger lock its owner out
 *             from everywhere else;
 * - `upload`: POST /images, per user;
 * - `link`:   expiring-link creation, per user;
 * - `read`:   everything else, per user when authenticated, else per client IP
 *             (this includes anonymous GET /links/:token).
 */
export type RouteClass = 'login' | 'upload' | 'link' | 'read'

export type RateLimitPolicy = Readonly<Record<RouteClass, RateLimitRule>>

/**
 * Defaults: far above what a person or the test suite does, far below abuse.
 * - login 10/min: a person mistypes a few times; a guesser gets 14 400 tries a day
 *   per IP instead of thousands a second (scrypt already costs ~50 ms each).
 * - upload 60/min: one a second sustained; a bulk import through the API still works.
 * - link 120/min: sharing pages that mint a link per thumbnail stay well inside.
 * - read 1200/min: 20 requests a second sustained, enough for a gallery page that
 *   loads 100 thumbnails at once, several times in a row.
 */
export const DEFAULT_RATE_LIMIT_POLICY: RateLimitPolicy = {
  login: { points: 10, durationSeconds: 60 },
  upload: { points: 60, durationSeconds: 60 },
  link: { points: 120, durationSeconds: 60 },
  read: { points: 1200, durationSeconds: 60 },
}

export const ROUTE_CLASSES: readonly RouteClass[] = ['login', 'upload', 'link', 'read']

export interface RateLimitSubject {
  /** The client address as the HTTP layer trusts it (after proxy handling). */
  readonly ip: string
  /** The authenticated user, when there is one. */
  readonly userId?: string
  /** The username a login attempt names (login only). */
  readonly username?: string
}

/** The budget key for a request of `routeClass` from `subject`. */
export const rateLimitKey = (routeClass: RouteClass, subject: RateLimitSubject): string => {
  if (routeClass === 'login') {
    // Usernames match case-insensitively, so "Alice" and "alice" share one budget.
    return `login:${(subject.username ?? '').toLowerCase()}|${subject.ip}`
  }
  return subject.userId !== undefined ? `${routeClass}:user:${subject.userId}` : `${routeClass}:ip:${subject.ip}`
}

/** One limiter per route class, built by the chosen store (memory or Postgres). */
export const rateLimitersFor = async (
  policy: RateLimitPolicy,
  make: (routeClass: RouteClass, rule: RateLimitRule) => RateLimiter | Promise<RateLimiter>,
): Promise<Readonly<Record<RouteClass, RateLimiter>>> => {
  const [login, upload, link, read] = await Promise.all(ROUTE_CLASSES.map((c) => make(c, policy[c])))
  return { login, upload, link, read }
}

/**
 * `RateLimit-*` headers (IETF draft, the fields most clients read) and, on refusal,
 * `Retry-After`: whole seconds, at least 1, so clients never retry in a hot loop.
 */
export const rateLimitHeaders = (d: RateLimitDecision): Record<string, string> => {
  const reset = String(Math.max(1, Math.ceil(d.resetSeconds)))
  return {
    'RateLimit-Limit': String(d.limit),
    'RateLimit-Remaining': String(Math.max(0, d.remaining)),
    'RateLimit-Reset': reset,
    ...(d.allowed ? {} : { 'Retry-After': reset }),
  }
}
