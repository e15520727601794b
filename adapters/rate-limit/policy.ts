import type { RateLimitDecision, RateLimiter, RateLimitRule } from './rate-limiter'

/**
 * Which budget a request spends:
 * - `login`:  POST /auth/login, per username + client IP — slows password guessing
 *             against one account without letting a stranger lock its owner out
 *             from everywhere else;
 * - `loginIp`: POST /auth/login, per client IP across usernames — stops one address
 *             spraying a common password over many accounts (each try costs a scrypt
 *             hash); both budgets are spent, failures only;
 * - `upload`: POST /images, per user;
 * - `link`:   expiring-link creation, per user;
 * - `read`:   everything else, per user when authenticated, else per client IP
 *             (this includes anonymous GET /links/:token).
 */
export type RouteClass = 'login' | 'loginIp' | 'upload' | 'link' | 'read'

export type RateLimitPolicy = Readonly<Record<RouteClass, RateLimitRule>>

/**
 * Defaults: far above what a person or a client syncing a library does, far below abuse.
 * - login 10 failures/min per username+IP (a success gives its point back): a person
 *   mistypes a few times; a guesser gets 14 400 tries a day per IP instead of
 *   thousands a second (scrypt already costs ~50 ms each).
 * - loginIp 100 failures/hour per IP, whatever the usernames (a success gives its point
 *   back): an office behind one address mistyping all day stays inside; a sprayer
 *   gets 100 guesses an hour instead of 10 per username per minute.
 * - upload 300/min: five a second sustained, so importing a photo library through the
 *   API is not throttled; each upload is still capped in size.
 * - link 600/min: a sharing page that mints a link for every thumbnail of a 100-image
 *   album (two heights) stays well inside.
 * - read 3000/min: 50 requests a second sustained, a gallery of 100 thumbnails loaded
 *   several times over; a scraper looping on the API meets the wall within a minute.
 */
export const DEFAULT_RATE_LIMIT_POLICY: RateLimitPolicy = {
  login: { points: 10, durationSeconds: 60 },
  loginIp: { points: 100, durationSeconds: 3600 },
  upload: { points: 300, durationSeconds: 60 },
  link: { points: 600, durationSeconds: 60 },
  read: { points: 3000, durationSeconds: 60 },
}

export const ROUTE_CLASSES: readonly RouteClass[] = ['login', 'loginIp', 'upload', 'link', 'read']

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
  if (routeClass === 'loginIp') return `login-ip:${subject.ip}`
  return subject.userId !== undefined ? `${routeClass}:user:${subject.userId}` : `${routeClass}:ip:${subject.ip}`
}

/** One limiter per route class, built by the chosen store (memory or Postgres). */
export const rateLimitersFor = async (
  policy: RateLimitPolicy,
  make: (routeClass: RouteClass, rule: RateLimitRule) => RateLimiter | Promise<RateLimiter>,
): Promise<Readonly<Record<RouteClass, RateLimiter>>> => {
  const [login, loginIp, upload, link, read] = await Promise.all(ROUTE_CLASSES.map((c) => make(c, policy[c])))
  return { login, loginIp, upload, link, read }
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
