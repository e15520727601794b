import cors from '@koa/cors'
import type Router from '@koa/router'
import { Stream } from 'node:stream'
import Koa, { type Context, type Next } from 'koa'
import type { HttpDeps } from './api'
import { measuredApi } from './measured-api'
import { httpMetrics, makeMetrics, type Metrics } from './metrics'
import { lingerOnUnreadBody } from './linger'
import { INTERNAL, problem, sendProblem } from './problem'
import { rateLimit } from './rate-limit'
import { requestLog } from './request-log'
import { helmetHeaders, securityHeaders } from './security-headers'
import { adminRoutes } from './routes/admin'
import { authRoutes } from './routes/auth'
import { docsRoutes } from './routes/docs'
import { consoleRoutes } from './routes/console'
import { imageRoutes } from './routes/images'
import { linkRoutes } from './routes/links'
import { meRoutes } from './routes/me'
import { opsRoutes } from './routes/ops'

export interface HttpApp {
  readonly koa: Koa
  readonly metrics: Metrics
}

/** The last line of defence: a bug answers 500 problem+json, logged with its stack, never shown. */
const errorBoundary = async (ctx: Context, next: Next): Promise<void> => {
  try {
    await next()
  } catch (err) {
    ctx.state.log?.error({ err }, 'unhandled error')
    sendProblem(ctx, INTERNAL)
  }
}

/**
 * Serializes a JSON body once. Koa would stringify it twice: once to compute
 * Content-Length, once to send it. The content type set with the object is kept.
 */
const serializeJsonOnce = async (ctx: Context, next: Next): Promise<void> => {
  await next()
  const body: unknown = ctx.body
  if (body !== null && typeof body === 'object' && !Buffer.isBuffer(body) && !(body instanceof Stream)) ctx.body = JSON.stringify(body)
}

/** 404 for unknown paths; 405 with Allow when the path exists with other methods. */
const notFoundOrMethodNotAllowed = (routers: readonly Router[]) => async (ctx: Context, next: Next): Promise<void> => {
  await next()
  if (ctx.status !== 404 || ctx.body !== undefined) return
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
  koa.use(requestLog(deps.logger, { accessLog: settings.accessLog ?? true }))
  koa.use(lingerOnUnreadBody)
  koa.use(errorBoundary)
  koa.use(serializeJsonOnce)
  koa.use(httpMetrics(metrics))
  koa.use(securityHeaders(helmetHeaders({
    // Expiring links are meant to be embedded anywhere (<img src>); CORS still guards reading JSON.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    // Over plain HTTP, upgrade-insecure-requests would send the docs' own scripts to an https that is
    // not there, and browsers ignore COOP (with a console error): both only where the public URL is https.
    contentSecurityPolicy: { directives: { upgradeInsecureRequests: httpsPublic ? [] : null } },
    crossOriginOpenerPolicy: httpsPublic,
  })))
  if (settings.corsOrigins.length > 0) {
    const origins = new Set(settings.corsOrigins)
    koa.use(cors({ origin: (ctx) => (origins.has(ctx.get('origin')) ? ctx.get('origin') : ''), credentials: true, exposeHeaders: ['Location', 'ETag', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'] }))
  }
  koa.use(notFoundOrMethodNotAllowed(routers))
  for (const router of routers) koa.use(router.routes())
  koa.on('error', (err) => deps.logger.debug({ err }, 'koa error event'))
  return { koa, metrics }
}
