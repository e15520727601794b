import { Stream } from 'node:stream'
import type { Context, Next } from 'koa'
import type { Logger } from 'pino'
import type { Metrics } from '../metrics'
import { discardUnreadBody } from './linger'
import { INTERNAL, sendProblem } from './problem'
import { requestIdOf, routeOf } from './request-log'
import { routePattern } from './route-pattern'
import type { HeaderList } from './security-headers'

export interface EdgeOptions {
  readonly logger: Logger
  /** One `info` line per request (IMGTIER_ACCESS_LOG). */
  readonly accessLog: boolean
  readonly metrics: Metrics
  /** Sent on every response (helmet's, computed once: security-headers.ts). */
  readonly headers: HeaderList
  /** Answers a request no route took (404, or 405 with Allow). */
  readonly unmatched: (ctx: Context) => void
}

/**
 * What every request carries: its id, and a logger bound to it that is made on first use.
 * Most requests never log, and a pino child (its bindings serialized through redaction)
 * cost more than the rest of the edge together (profiled).
 */
export class RequestState {
  #log: Logger | undefined
  readonly #root: Logger
  readonly requestId: string
  constructor(root: Logger, requestId: string) {
    this.#root = root
    this.requestId = requestId
  }
  get log(): Logger {
    return (this.#log ??= this.#root.child({ requestId: this.requestId }))
  }
}

/**
 * Koa would stringify a JSON body twice: once to compute Content-Length, once to send it.
 * The content type set with the object is kept.
 */
const serializeJsonOnce = (ctx: Context): void => {
  const body: unknown = ctx.body
  if (body !== null && typeof body === 'object' && !Buffer.isBuffer(body) && !(body instanceof Stream)) ctx.body = JSON.stringify(body)
}

/** What is recorded of a request once it is answered (here, or by liveness.ts before Koa). */
export interface FinishedRequest {
  readonly requestId: string
  readonly method: string
  /** The matched route's pattern, 'unmatched' if none: the metric's label. */
  readonly route: string
  /** What the access line names the request by (request-log.ts `routeOf`). */
  readonly logRoute: string
  readonly status: number
  readonly ms: number
}

/**
 * The duration metric, by method, matched route pattern (never the raw path: ids would
 * explode the label set) and status; the access line, never with the query string,
 * headers or body (they may carry secrets).
 */
export const recordRequest = (o: Pick<EdgeOptions, 'metrics' | 'logger' | 'accessLog'>) => (r: FinishedRequest): void => {
  o.metrics.httpDuration.observe({ method: r.method, route: r.route, status: String(r.status) }, r.ms / 1000)
  if (o.accessLog) o.logger.info({ requestId: r.requestId, method: r.method, route: r.logRoute, status: r.status, ms: Math.round(r.ms) }, 'request')
}

/**
 * Everything that wraps every request, in one middleware rather than a stack of six (each
 * layer of koa-compose costs a bound dispatch, a promise and an async frame):
 * - the request id: the caller's `X-Request-Id` when it is safe (request-log.ts), else a
 *   new one; answered in the header, carried by every problem and log line;
 * - the security headers;
 * - the last line of defence: a bug answers 500 problem+json, logged with its stack, never shown;
 * - 404/405 for what no route took;
 * - the duration metric and the access line (recordRequest);
 * - the lingering read of a refused body (linger.ts), so the client sees its answer.
 */
export const edge = (o: EdgeOptions) => {
  const record = recordRequest(o)
  return async (ctx: Context, next: Next): Promise<void> => {
    const started = performance.now()
    const incoming = ctx.req.headers['x-request-id']
    const requestId = requestIdOf(typeof incoming === 'string' ? incoming : '')
    const state = new RequestState(o.logger, requestId)
    ctx.state = state
    const res = ctx.res
    res.setHeader('X-Request-Id', requestId)
    for (const [name, value] of o.headers) res.setHeader(name, value)
    try {
      await next()
      if (ctx.status === 404 && ctx.body === undefined) o.unmatched(ctx)
      serializeJsonOnce(ctx)
    } catch (err) {
      state.log.error({ err }, 'unhandled error')
      sendProblem(ctx, INTERNAL)
      serializeJsonOnce(ctx)
    }
    // A matched request's log name is its pattern; only an unmatched one needs routeOf's trimming.
    const pattern = routePattern(ctx)
    record({ requestId, method: ctx.method, route: pattern ?? 'unmatched', logRoute: pattern ?? routeOf(ctx), status: ctx.status, ms: performance.now() - started })
    if (!ctx.req.complete && !ctx.req.destroyed) discardUnreadBody(ctx.req)
  }
}
