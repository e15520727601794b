import type Router from '@koa/router'
import type { Next } from 'koa'

type RouterMiddleware = ReturnType<Router['routes']>
type RouterContext = Parameters<RouterMiddleware>[0]

/** A layer's first path segment when it is literal ('/images/:id' → 'images'), else undefined. */
const literalSegmentOf = (layerPath: string | RegExp): string | undefined =>
  typeof layerPath !== 'string' ? undefined : /^\/([^/(:*?]+)(?:[/(]|$)/.exec(layerPath)?.[1]?.toLowerCase()

/** The request path's first segment, compared as @koa/router compares (case-insensitively by default). */
const segmentOf = (path: string): string => {
  const end = path.indexOf('/', 1)
  return (end === -1 ? path.slice(1) : path.slice(1, end)).toLowerCase()
}

/** Runs `routers` one after the other, as separate `koa.use` calls would. */
const chain = (routers: readonly RouterMiddleware[]): ((ctx: RouterContext, next: Next) => Promise<unknown>) => {
  const only = routers.length === 1 ? routers[0] : undefined
  if (only !== undefined) return (ctx, next) => Promise.resolve(only(ctx, next))
  return (ctx, next) => {
    const run = (i: number): Promise<unknown> => {
      const router = routers[i]
      return router === undefined ? next() : Promise.resolve(router(ctx, () => run(i + 1)))
    }
    return run(0)
  }
}

/**
 * Hands a request only to the routers that serve its first path segment. @koa/router
 * tests every layer's pattern of a router on each request and builds the matched chain
 * anew; with every route in one router that was ~50 patterns for a /healthz, and the
 * router the largest cost left on the hottest paths (profiled). Routers are kept in their
 * order; one whose routes do not all start with a literal segment is asked for every path.
 */
export const routeBySegment = (routers: readonly Router[]) => {
  const everywhere = new Set<Router>()
  const segments = new Map<string, Set<Router>>()
  for (const router of routers) {
    for (const layer of router.stack) {
      const segment = literalSegmentOf(layer.path)
      if (segment === undefined) everywhere.add(router)
      else segments.set(segment, (segments.get(segment) ?? new Set()).add(router))
    }
  }
  const middlewareOf = new Map(routers.map((router) => [router, router.routes()]))
  const chainOf = (serving: ReadonlySet<Router>) =>
    chain(routers.filter((router) => serving.has(router) || everywhere.has(router)).map((router) => middlewareOf.get(router) ?? router.routes()))
  const bySegment = new Map([...segments].map(([segment, serving]) => [segment, chainOf(serving)]))
  const otherwise = everywhere.size > 0 ? chainOf(new Set()) : undefined
  return (ctx: RouterContext, next: Next): Promise<unknown> => {
    const serving = bySegment.get(segmentOf(ctx.path)) ?? otherwise
    return serving === undefined ? next() : serving(ctx, next)
  }
}
