import type { Context, Next } from 'koa'
import type { Metrics } from '../metrics'
import { routePattern } from './route-pattern'

export { makeMetrics, type Metrics } from '../metrics'

/** Times every request by method, matched route pattern and status. */
export const httpMetrics = (metrics: Metrics) => async (ctx: Context, next: Next): Promise<void> => {
  const end = metrics.httpDuration.startTimer()
  try {
    await next()
  } finally {
    // The matched route pattern, never the raw path: ids would explode the label set.
    const route = routePattern(ctx) ?? 'unmatched'
    end({ method: ctx.method, route, status: String(ctx.status) })
  }
}
