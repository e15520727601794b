import Router from '@koa/router'
import { timingSafeEqual } from 'node:crypto'
import type { ReadinessCheck } from '../api'
import { LIVENESS_BODY, LIVENESS_CACHE_CONTROL } from '../liveness'
import type { Metrics } from '../metrics'
import { openApiDocument } from '../openapi/document'
import { BEARER_CHALLENGE, problem, sendProblem } from '../problem'

const READY_TIMEOUT_MS = 2_000

const withTimeout = (p: Promise<void>, ms: number): Promise<void> =>
  Promise.race([p, new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref())])

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

export const opsRoutes = (opts: { readiness: readonly ReadinessCheck[]; draining?: () => boolean; metrics: Metrics; metricsToken?: string; publicUrl: string }): Router => {
  const router = new Router()

  // Usually answered before Koa (liveness.ts); this route takes what the fast path leaves.
  router.get('/healthz', (ctx) => {
    ctx.set('Cache-Control', LIVENESS_CACHE_CONTROL)
    ctx.body = LIVENESS_BODY
  })

  router.get('/readyz', async (ctx) => {
    ctx.set('Cache-Control', 'no-store')
    // A draining instance is leaving: the load balancer must stop sending at once.
    if (opts.draining?.()) return sendProblem(ctx, problem(503, 'not_ready', 'Not ready', 'Shutting down.'))
    const results = await Promise.all(opts.readiness.map(async ({ name, check }) => {
      try {
        await withTimeout(check(), READY_TIMEOUT_MS)
        return [name, 'ok'] as const
      } catch {
        return [name, 'down'] as const
      }
    }))
    const checks = Object.fromEntries(results)
    const down = results.filter(([, state]) => state === 'down').map(([name]) => name)
    if (down.length === 0) {
      ctx.body = { status: 'ready', checks }
      return
    }
    sendProblem(ctx, problem(503, 'not_ready', 'Not ready', `Unavailable: ${down.join(', ')}.`), { checks })
  })

  router.get('/metrics', async (ctx) => {
    if (opts.metricsToken !== undefined) {
      const given = /^Bearer (.+)$/.exec(ctx.get('authorization'))?.[1] ?? ''
      if (!sameSecret(given, opts.metricsToken)) {
        return sendProblem(ctx, problem(401, 'unauthorized', 'Unauthorized', 'The metrics token is required.', { headers: BEARER_CHALLENGE }))
      }
    }
    ctx.type = opts.metrics.registry.contentType
    ctx.body = await opts.metrics.registry.metrics()
  })

  const document = openApiDocument(opts.publicUrl)
  router.get('/openapi.json', (ctx) => { ctx.body = document })
  return router
}
