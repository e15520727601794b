import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import * as E from 'fp-ts/Either'
import type { Logger } from 'pino'
import type { UseCases } from '../../application/bound-use-cases'
import type { Delivery } from '../../application/delivery'
import type { Principal } from '../../application/use-cases/authenticate'
import { rateLimitHeaders } from '../rate-limit'
import { bearerTokenOf } from './authn'
import { RequestState, type FinishedRequest } from './edge'
import { INTERNAL, problemBody, type AppError, type Problem } from './problem'
import { rateLimited, spend, type RateLimiters } from './rate-limit'
import { requestIdOf } from './request-log'
import { logAppError } from './respond'
import { deliveryAnswer, linkAnswer, OWNER_CACHE_CONTROL, type DeliveryAnswer } from './routes/deliver'
import type { HeaderList } from './security-headers'

export interface FastBytesOptions {
  /** The measured use cases (measured-api.ts), as the routes get them. */
  readonly api: UseCases
  /** What every response carries (the security headers, and Vary: Origin when CORS is on). */
  readonly headers: HeaderList
  readonly record: (r: FinishedRequest) => void
  readonly logger: Logger
  readonly limiters?: RateLimiters
  /** Behind a proxy the client's address is Koa's to read from X-Forwarded-For. */
  readonly trustProxy: boolean
}

const UUID = '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'
/** A path segment that needs no decoding: what @koa/router would decode is left to it. */
const SEGMENT = '([^/?#%]+)'
const THUMBNAIL = new RegExp(`^/images/${UUID}/thumbnails/${SEGMENT}$`)
const ORIGINAL = new RegExp(`^/images/${UUID}/original$`)
const LINK = new RegExp(`^/links/${SEGMENT}$`)

/** What the client asked of the bytes. */
interface Ask { readonly method: 'GET' | 'HEAD'; readonly ifNoneMatch?: string }

/** A request the fast path took: its route (the pattern the metric names it by) and how it is answered. */
interface Taken {
  readonly route: string
  /** An owner route's bearer token: its answer is given the principal it authenticates. */
  readonly token?: string
  readonly answer: (ask: Ask, owner?: Principal) => Promise<E.Either<AppError, DeliveryAnswer>>
}

/** An owner route's principal, present since the route has a token (a wiring bug otherwise, not a client error). */
const ownerOf = (owner?: Principal): Principal => {
  if (owner === undefined) throw new Error('owner route answered without a principal')
  return owner
}

const ownerAnswer = (d: Delivery): DeliveryAnswer => deliveryAnswer(d, OWNER_CACHE_CONTROL)

const hasBody = (req: IncomingMessage): boolean =>
  req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0')

/**
 * The byte routes, the hottest there are, answered where the request arrives, before Koa,
 * as liveness.ts answers /healthz: an owner's thumbnail or original with a bearer token, and
 * an expiring link, GET or HEAD. Koa's context, the edge's wrapping and @koa/router's
 * per-request chain cost more than the answer (measured: a 304 used ~165 µs of CPU through
 * Koa, ~85 here). The answer is the one the routes give: the same use cases, the same
 * answer (routes/deliver.ts), problems, rate limits, request id, metric and access line
 * (test/unit/http/fast-bytes.test.ts compares both ways). What this does not take goes the
 * long way: a cookie, a browser's `Origin` (CORS must see it), a body, a query string, a
 * path that needs decoding or differs in case, a link behind a trusted proxy when rate
 * limits need the client's address.
 */
export const bytesFastPath = (o: FastBytesOptions) => {
  const { api } = o
  const fixed = o.headers.flat()
  // Where each of them sits in a response's list (after X-Request-Id): an answer's own value replaces it, as setHeader would.
  const fixedAt = new Map(o.headers.map(([name], i) => [name.toLowerCase(), 2 + 2 * i + 1]))
  const set = (headers: string[], name: string, value: string): void => {
    const at = fixedAt.get(name.toLowerCase())
    if (at === undefined) headers.push(name, value)
    else headers[at] = value
  }

  const taken = (req: IncomingMessage): Taken | undefined => {
    const url = req.url ?? ''
    const thumbnail = THUMBNAIL.exec(url)
    const original = thumbnail === null ? ORIGINAL.exec(url) : null
    if (thumbnail !== null || original !== null) {
      const token = bearerTokenOf(req.headers.authorization ?? '')
      if (token === undefined) return undefined
      if (thumbnail !== null) {
        const [, imageId = '', height = ''] = thumbnail
        return {
          route: '/images/:id/thumbnails/:height', token,
          answer: async (ask, owner) => E.map(ownerAnswer)(await api.getThumbnail({ ownerId: ownerOf(owner).user.id, tier: ownerOf(owner).tier, imageId, height, ...ask })()),
        }
      }
      const imageId = original?.[1] ?? ''
      return {
        route: '/images/:id/original', token,
        answer: async (ask, owner) => E.map(ownerAnswer)(await api.getOriginal({ ownerId: ownerOf(owner).user.id, tier: ownerOf(owner).tier, imageId, ...ask })()),
      }
    }
    const link = LINK.exec(url)
    if (link === null || (o.limiters !== undefined && o.trustProxy)) return undefined
    const token = link[1] ?? ''
    return { route: '/links/:token', answer: async (ask) => E.map(linkAnswer)(await api.openExpiringLink({ token, ...ask })()) }
  }

  const send = (res: ServerResponse, method: string, status: number, headers: string[], body: DeliveryAnswer['body'] | string): void => {
    if (body === null) set(headers, 'Content-Length', '0')
    res.writeHead(status, headers)
    if (body instanceof Readable) {
      if (method === 'HEAD') {
        body.destroy()
        res.end()
      } else {
        // A store that fails mid-stream can only cut the connection: the status is sent.
        pipeline(body, res).catch(() => res.destroy())
      }
    } else res.end(method === 'HEAD' || body === null ? undefined : body)
  }

  const sendProblem = (res: ServerResponse, method: string, headers: string[], prob: Problem, requestId: string): void => {
    const text = JSON.stringify(problemBody(prob, requestId))
    for (const [name, value] of Object.entries(prob.headers ?? {})) set(headers, name, value)
    set(headers, 'Content-Type', 'application/problem+json')
    set(headers, 'Content-Length', String(Buffer.byteLength(text)))
    send(res, method, prob.status, headers, text)
  }

  const serve = async (req: IncomingMessage, res: ServerResponse, take: Taken, method: 'GET' | 'HEAD', started: number): Promise<void> => {
    const incoming = req.headers['x-request-id']
    const requestId = requestIdOf(typeof incoming === 'string' ? incoming : '')
    const state = new RequestState(o.logger, requestId)
    const headers = ['X-Request-Id', requestId, ...fixed]
    let route = take.route
    try {
      let owner: Principal | undefined
      if (take.token !== undefined) {
        const principal = await api.authenticate(take.token)()
        if (E.isLeft(principal)) {
          // Refused by the router-level check, before a route is chosen: its prefix names it, as through Koa.
          route = '/images'
          return sendProblem(res, method, headers, logAppError(state.log, principal.left), requestId)
        }
        owner = principal.right
      }
      if (o.limiters !== undefined) {
        const { decision } = await spend(o.limiters, 'read', { ip: req.socket.remoteAddress ?? '', userId: owner?.user.id })
        for (const [name, value] of Object.entries(rateLimitHeaders(decision))) set(headers, name, value)
        if (!decision.allowed) return sendProblem(res, method, headers, rateLimited(decision), requestId)
      }
      const ifNoneMatch = req.headers['if-none-match'] || undefined
      const answer = await take.answer({ method, ifNoneMatch }, owner)
      if (E.isLeft(answer)) return sendProblem(res, method, headers, logAppError(state.log, answer.left), requestId)
      for (const [name, value] of answer.right.headers) set(headers, name, value)
      send(res, method, answer.right.status, headers, answer.right.body)
    } catch (err) {
      state.log.error({ err }, 'unhandled error')
      if (res.headersSent) res.destroy()
      else sendProblem(res, method, ['X-Request-Id', requestId, ...fixed], INTERNAL, requestId)
    } finally {
      o.record({ requestId, method, route, logRoute: route, status: res.statusCode, ms: performance.now() - started })
    }
  }

  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const method = req.method
    if ((method !== 'GET' && method !== 'HEAD') || req.headers.origin !== undefined || hasBody(req)) return false
    const take = taken(req)
    if (take === undefined) return false
    void serve(req, res, take, method, performance.now())
    return true
  }
}
