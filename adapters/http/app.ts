import type { RequestListener } from 'node:http'
import cors from '@koa/cors'
import type Router from '@koa/router'
import Koa, { type Context } from 'koa'
import type { HttpDeps } from './api'
import { measuredApi } from './measured-api'
import { routeBySegment } from './dispatch'
import { edge, recordRequest } from './edge'
import { fastRoutes } from './fast-routes'
import { livenessFastPath } from './liveness'
import { makeMetrics, type Metrics } from './metrics'
import { problem, sendProblem } from './problem'
import { rateLimit } from './rate-limit'
import { helmetHeaders } from './security-headers'
import { adminRoutes } from './routes/admin'
import { authRoutes } from './routes/auth'
import { docsRoutes } from './routes/docs'
import { consoleRoutes } from './routes/console'
import { imageRoutes } from './routes/images'
import { linkRoutes } from './routes/links'
import { meRoutes } from './routes/me'
import { opsRoutes } from './routes/ops'

export interface HttpApp {
  /** What a `node:http` server runs: the liveness fast path (liveness.ts), then Koa. */
  readonly listener: RequestListener
  readonly koa: Koa
  readonly metrics: Metrics
  /** Every router the app dispatches to (adapters/http/dispatch.ts), in order: what the OpenAPI test checks against. */
  readonly routers: readonly Router[]
}

/** 404 for unknown paths; 405 with Allow when the path exists with other methods. */
const notFoundOrMethodNotAllowed = (routers: readonly Router[]) => (ctx: Context): void => {
  const allowed = new Set<string>()
  for (const router of routers) {
    for (const layer of router.match(ctx.path, ctx.method).path) for (const m of layer.methods) allowed.add(m)
  }
  if (allowed.size > 0 && ctx.method === 'OPTIONS') {
    ctx.set('Allow', [...allowed, 'OPTIONS'].join(', '))
    ctx.status = 204
    return
  }
  if (allowed.size > 0 && !allowed.has(ctx.method)) {
    sendProblem(ctx, problem(405, 'method_not_allowed', 'Method not allowed', `${ctx.method} is not allowed here.`, { headers: { Allow: [...allowed].join(', ') } }))
    return
  }
  sendProblem(ctx, problem(404, 'not_found', 'Not found', 'No such resource.'))
}

export const createHttpApp = (deps: HttpDeps): HttpApp => {
  const { settings } = deps
  const metrics = deps.metrics ?? makeMetrics()
  const api = measuredApi(deps.api, metrics)
  const limit = rateLimit(deps.rateLimiters)
  const routers = [
    opsRoutes({ readiness: deps.readiness, draining: deps.draining, metrics, metricsToken: settings.metricsToken, publicUrl: settings.publicUrl }),
    authRoutes(api, settings, limit),
    meRoutes(api, limit),
    imageRoutes(api, settings, limit),
    linkRoutes(api, limit),
    adminRoutes(api, settings, limit),
    docsRoutes(),
    consoleRoutes(),
  ]
  const httpsPublic = settings.publicUrl.startsWith('https:')
  const koa = new Koa({ proxy: settings.trustProxy })
  const recording = { logger: deps.logger, accessLog: settings.accessLog ?? true, metrics }
  const headers = helmetHeaders({
    // Expiring links are meant to be embedded anywhere (<img src>); CORS still guards reading JSON.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    // Over plain HTTP, upgrade-insecure-requests would send the docs' own scripts to an https that is
    // not there, and browsers ignore COOP (with a console error): both only where the public URL is https.
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: httpsPublic ? [] : null } },
    crossOriginOpenerPolicy: httpsPublic,
  })
  koa.use(edge({ ...recording, headers, unmatched: notFoundOrMethodNotAllowed(routers) }))
  const corsOn = settings.corsOrigins.length > 0
  if (corsOn) {
    const origins = new Set(settings.corsOrigins)
    koa.use(cors({ origin: (ctx) => (origins.has(ctx.get('origin')) ? ctx.get('origin') : ''), credentials: true, exposeHeaders: ['Location', 'ETag', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'] }))
  }
  koa.use(routeBySegment(routers))
  koa.on('error', (err) => deps.logger.debug({ err }, 'koa error event'))
  // What the answers given before Koa carry besides: CORS marks every response as varying by Origin.
  const everyResponse = corsOn ? [...headers, ['Vary', 'Origin'] as const] : headers
  const record = recordRequest(recording)
  const live = livenessFastPath({ headers: everyResponse, record })
  const fast = fastRoutes({ api, publicUrl: settings.publicUrl, headers: everyResponse, record, logger: deps.logger, limiters: deps.rateLimiters, trustProxy: settings.trustProxy, maxUploadBytes: settings.maxUploadBytes })
  const koaListener = koa.callback()
  const listener: RequestListener = (req, res) => {
    if (!live(req, res) && !fast(req, res)) void koaListener(req, res)
  }
  return { listener, koa, metrics, routers }
}
