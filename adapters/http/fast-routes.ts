import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import coBody from 'co-body'
import * as E from 'fp-ts/Either'
import type { Logger } from 'pino'
import typeis from 'type-is'
import type { UseCases } from '../../application/bound-use-cases'
import type { Delivery } from '../../application/delivery'
import type { Principal } from '../../application/use-cases/authenticate'
import { rateLimitHeaders } from '../rate-limit'
import type { Answer } from './answer'
import { bearerTokenOf } from './authn'
import { JSON_LIMIT_BYTES, parserProblem } from './body'
import { RequestState, type FinishedRequest } from './edge'
import { discardUnreadBody } from './linger'
import { INTERNAL, problemAnswer, type AppError, type Problem } from './problem'
import { rateLimited, spend, type RateLimiters } from './rate-limit'
import { requestIdOf } from './request-log'
import { logAppError } from './respond'
import { createLinkAnswer } from './routes/create-link'
import { uploadAnswer } from './routes/upload'
import { deliveryAnswer, linkAnswer, OWNER_CACHE_CONTROL } from './routes/deliver'
import type { HeaderList } from './security-headers'

export interface FastRoutesOptions {
  /** The measured use cases (measured-api.ts), as the routes get them. */
  readonly api: UseCases
  readonly publicUrl: string
  /** What every response carries (the security headers, and Vary: Origin when CORS is on). */
  readonly headers: HeaderList
  readonly record: (r: FinishedRequest) => void
  readonly logger: Logger
  readonly limiters?: RateLimiters
  /** Behind a proxy the client's address is Koa's to read from X-Forwarded-For. */
  readonly trustProxy: boolean
  readonly maxUploadBytes: number
}

const UUID = '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'
/** A path segment that needs no decoding: what @koa/router would decode is left to it. */
const SEGMENT = '([^/?#%]+)'
const THUMBNAIL = new RegExp(`^/images/${UUID}/thumbnails/${SEGMENT}$`)
const ORIGINAL = new RegExp(`^/images/${UUID}/original$`)
const LINK = new RegExp(`^/links/${SEGMENT}$`)
const THUMBNAIL_LINK = new RegExp(`^/images/${UUID}/thumbnails/${SEGMENT}/expiring-links$`)
const ORIGINAL_LINK = new RegExp(`^/images/${UUID}/original/expiring-links$`)
const JSON_TYPE = /^application\/json[ \t]*(;|$)/i
/** The upload's pattern as @koa/router names it (the metric's label). */
const UPLOAD_ROUTE = '/images'

/** What the request is, as the route sees it. */
interface Ask { readonly req: IncomingMessage; readonly method: 'GET' | 'HEAD'; readonly ifNoneMatch?: string; readonly log: Logger }

/** A request taken here: its route (the pattern the metric names it by), the budget it spends, and how it is answered. */
interface Taken {
  readonly route: string
  readonly budget: 'read' | 'link' | 'upload'
  /** An owner route's bearer token: its answer is given the principal it authenticates. */
  readonly token?: string
  readonly answer: (ask: Ask, owner?: Principal) => Promise<E.Either<Problem, Answer>>
}

/** An owner route's principal, present since the route has a token (a wiring bug otherwise, not a client error). */
const ownerOf = (owner?: Principal): Principal => {
  if (owner === undefined) throw new Error('owner route answered without a principal')
  return owner
}

/** A use case's answer, or the problem its failure is (logged as through Koa). */
const answerOf = <A>(log: Logger, result: E.Either<AppError, A>, answer: (a: A) => Answer): E.Either<Problem, Answer> =>
  E.isLeft(result) ? E.left(logAppError(log, result.left)) : E.right(answer(result.right))

/**
 * A JSON body the way the Koa route would get it (koa-body runs co-body with these
 * options): taken here only when nothing but co-body has a say, i.e. `application/json`,
 * no Content-Encoding, a length that is given, not zero and within the limit.
 */
const plainJsonBody = (req: IncomingMessage): boolean => {
  const length = Number(req.headers['content-length'] ?? '')
  return JSON_TYPE.test(req.headers['content-type'] ?? '') && req.headers['content-encoding'] === undefined && req.headers['transfer-encoding'] === undefined &&
    Number.isInteger(length) && length > 0 && length <= JSON_LIMIT_BYTES
}

const readJson = async (req: IncomingMessage): Promise<E.Either<Problem, unknown>> => {
  try {
    return E.right(await coBody.json(req, { encoding: 'utf-8', limit: JSON_LIMIT_BYTES, strict: true }))
  } catch (err) {
    const prob = parserProblem(err)
    if (prob === undefined) throw err
    return E.left(prob)
  }
}

/**
 * The hottest routes, answered where the request arrives, before Koa, as liveness.ts answers
 * /healthz: an owner's thumbnail or original with a bearer token and an expiring link, GET or
 * HEAD, the creation of an expiring link with a bearer token and a plain JSON body, and an
 * upload with a bearer token and no Content-Encoding (its form is read as routes/upload.ts reads it). Koa's
 * context, the edge's wrapping and @koa/router's per-request chain cost more than the answer
 * (measured with bench/ab.ts: a 304 used ~180 µs of CPU through Koa, ~95 here; BENCHMARKS.md). The answer
 * is the routes' own: the same use cases and answers (answer.ts), problems, budgets, request
 * id, metric and access line (test/e2e/fast-routes.test.ts compares both ways). What this does
 * not take goes the long way: a cookie, a browser's `Origin` (CORS must see it), a body on a
 * GET, a compressed or chunked body, a query string, a path that needs decoding or differs in
 * case, a link behind a trusted proxy when rate limits need the client's address.
 */
export const fastRoutes = (o: FastRoutesOptions) => {
  const { api } = o
  const fixed = o.headers.flat()
  // Where each of them sits in a response's list (after X-Request-Id): an answer's own value replaces it, as setHeader would.
  const fixedAt = new Map(o.headers.map(([name], i) => [name.toLowerCase(), 2 + 2 * i + 1]))
  const set = (headers: string[], name: string, value: string): void => {
    const at = fixedAt.get(name.toLowerCase())
    if (at === undefined) headers.push(name, value)
    else headers[at] = value
  }
  const ownerDelivery = (delivery: Delivery): Answer => deliveryAnswer(delivery, OWNER_CACHE_CONTROL)
  const answerLink = createLinkAnswer(api, o.publicUrl)
  const answerUpload = uploadAnswer(api, o.publicUrl, o.maxUploadBytes)

  const owned = (req: IncomingMessage): string | undefined => bearerTokenOf(req.headers.authorization ?? '')

  const takenGet = (req: IncomingMessage): Taken | undefined => {
    const url = req.url ?? ''
    const thumbnail = THUMBNAIL.exec(url)
    const original = thumbnail === null ? ORIGINAL.exec(url) : null
    if (thumbnail !== null || original !== null) {
      const token = owned(req)
      if (token === undefined) return undefined
      if (thumbnail !== null) {
        const [, imageId = '', height = ''] = thumbnail
        return {
          route: '/images/:id/thumbnails/:height', budget: 'read', token,
          answer: async ({ method, ifNoneMatch, log }, owner) => {
            const { user, tier } = ownerOf(owner)
            return answerOf(log, await api.getThumbnail({ ownerId: user.id, tier, imageId, height, method, ifNoneMatch })(), ownerDelivery)
          },
        }
      }
      const imageId = original?.[1] ?? ''
      return {
        route: '/images/:id/original', budget: 'read', token,
        answer: async ({ method, ifNoneMatch, log }, owner) => {
          const { user, tier } = ownerOf(owner)
          return answerOf(log, await api.getOriginal({ ownerId: user.id, tier, imageId, method, ifNoneMatch })(), ownerDelivery)
        },
      }
    }
    const link = LINK.exec(url)
    if (link === null || (o.limiters !== undefined && o.trustProxy)) return undefined
    const token = link[1] ?? ''
    return {
      route: '/links/:token', budget: 'read',
      answer: async ({ method, ifNoneMatch, log }) => answerOf(log, await api.openExpiringLink({ token, method, ifNoneMatch })(), linkAnswer),
    }
  }

  /** An upload with a bearer token; a Content-Encoding is Koa's to refuse (415). */
  const takenUpload = (req: IncomingMessage): Taken | undefined => {
    const token = owned(req)
    if (token === undefined || req.headers['content-encoding'] !== undefined) return undefined
    return {
      route: UPLOAD_ROUTE, budget: 'upload', token,
      answer: async ({ req: request, log }, owner) => answerUpload(ownerOf(owner), request, log),
    }
  }

  const takenPost = (req: IncomingMessage): Taken | undefined => {
    const url = req.url ?? ''
    if (url === '/images') return takenUpload(req)
    const thumbnail = THUMBNAIL_LINK.exec(url)
    const original = thumbnail === null ? ORIGINAL_LINK.exec(url) : null
    if (thumbnail === null && original === null) return undefined
    const token = owned(req)
    if (token === undefined || !plainJsonBody(req)) return undefined
    const imageId = (thumbnail ?? original)?.[1] ?? ''
    const variant = thumbnail !== null ? { height: thumbnail[2] ?? '' } : 'original' as const
    return {
      route: thumbnail !== null ? '/images/:id/thumbnails/:height/expiring-links' : '/images/:id/original/expiring-links', budget: 'link', token,
      answer: async ({ req: request, log }, owner) => {
        const body = await readJson(request)
        return E.isLeft(body) ? body : answerLink({ owner: ownerOf(owner), imageId, variant, body: body.right }, log)
      },
    }
  }

  /** Writes an answer after the headers every response carries (and the budget's); the answer's own replace theirs. */
  const send = (res: ServerResponse, method: string, headers: string[], answer: Answer): void => {
    for (const [name, value] of answer.headers) set(headers, name, value)
    const { body } = answer
    if (body === null) set(headers, 'Content-Length', '0')
    res.writeHead(answer.status, headers)
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

  /** Authentication, the route's budget, then its answer: the order the Koa routes check in. */
  const respond = async (req: IncomingMessage, take: Taken, ask: Ask, headers: string[]): Promise<{ readonly route: string; readonly result: E.Either<Problem, Answer> }> => {
    let owner: Principal | undefined
    if (take.token !== undefined) {
      const principal = await api.authenticate(take.token)()
      // Refused by the router-level check, before a route is chosen: its prefix names it, as through Koa.
      if (E.isLeft(principal)) return { route: '/images', result: E.left(logAppError(ask.log, principal.left)) }
      owner = principal.right
    }
    if (o.limiters !== undefined) {
      const { decision } = await spend(o.limiters, take.budget, { ip: req.socket.remoteAddress ?? '', userId: owner?.user.id })
      for (const [name, value] of Object.entries(rateLimitHeaders(decision))) set(headers, name, value)
      if (!decision.allowed) return { route: take.route, result: E.left(rateLimited(decision)) }
    }
    return { route: take.route, result: await take.answer(ask, owner) }
  }

  const serve = async (req: IncomingMessage, res: ServerResponse, take: Taken, started: number): Promise<void> => {
    const method = req.method === 'HEAD' ? 'HEAD' : req.method === 'POST' ? 'POST' : 'GET'
    const incoming = req.headers['x-request-id']
    const requestId = requestIdOf(typeof incoming === 'string' ? incoming : '')
    const state = new RequestState(o.logger, requestId)
    const headers = ['X-Request-Id', requestId, ...fixed]
    let route = take.route
    try {
      const answered = await respond(req, take, { req, method: method === 'HEAD' ? 'HEAD' : 'GET', ifNoneMatch: req.headers['if-none-match'] || undefined, log: state.log }, headers)
      route = answered.route
      send(res, method, headers, E.isLeft(answered.result) ? problemAnswer(answered.result.left, requestId) : answered.result.right)
    } catch (err) {
      state.log.error({ err }, 'unhandled error')
      if (res.headersSent) res.destroy()
      else send(res, method, ['X-Request-Id', requestId, ...fixed], problemAnswer(INTERNAL, requestId))
    } finally {
      o.record({ requestId, method, route, logRoute: route, status: res.statusCode, ms: performance.now() - started })
      // A body refused before it was read (401, 429): read and dropped, so the client sees the answer (linger.ts).
      if (!req.complete && !req.destroyed) discardUnreadBody(req)
    }
  }

  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.headers.origin !== undefined) return false
    const method = req.method
    const take = method === 'POST' ? takenPost(req) : (method === 'GET' || method === 'HEAD') && !typeis.hasBody(req) ? takenGet(req) : undefined
    if (take === undefined) return false
    void serve(req, res, take, performance.now())
    return true
  }
}
