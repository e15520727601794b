import type { Context, Next } from 'koa'
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client'

/** One registry per app instance, so several apps in one process (tests) never share counters. */
export const makeMetrics = () => {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'imgtier_' })
  const duration = new Histogram({
    name: 'imgtier_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })
  const renders = new Counter({
    name: 'imgtier_thumbnail_renders_total',
    help: 'Thumbnails rendered (cache misses)',
    registers: [registry],
  })
  const middleware = async (ctx: Context, next: Next): Promise<void> => {
    const end = duration.startTimer()
    try {
      await next()
    } finally {
      // The matched route pattern, never the raw path: ids would explode the label set.
      const route = typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute : 'unmatched'
      end({ method: ctx.method, route, status: String(ctx.status) })
    }
  }
  return { registry, middleware, renders }
}

export type Metrics = ReturnType<typeof makeMetrics>
