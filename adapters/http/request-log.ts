import { randomUUID } from 'node:crypto'
import type { Context } from 'koa'
import { routePattern } from './route-pattern'

/**
 * A caller's request id is honoured when it is short and made of characters that are
 * safe in a header, a log line and a URL (a proxy's or another service's id, a UUID,
 * a W3C trace id); anything else is replaced, so a client can neither inject log lines
 * nor bloat them.
 */
const VALID_REQUEST_ID = /^[A-Za-z0-9._:@+=/-]{1,128}$/

export const requestIdOf = (incoming: string): string => (VALID_REQUEST_ID.test(incoming) ? incoming : randomUUID())

/**
 * What the access log names a request by. A matched route is its pattern (never a link
 * token or an id); an unmatched path keeps only its first segment, since the rest may be
 * anything a client typed, a token included.
 */
export const routeOf = (ctx: Context): string => {
  const pattern = routePattern(ctx)
  if (pattern !== undefined) return pattern
  const first = /^\/[A-Za-z0-9_-]{0,32}/.exec(ctx.path)?.[0] ?? '/'
  return ctx.path.length > first.length ? `${first}/…` : first
}
