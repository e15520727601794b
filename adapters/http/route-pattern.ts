import type { Context } from 'koa'

/**
 * The route pattern a request matched (`/images/:id`), never its path (ids and link
 * tokens stay out of logs and metric labels). A router-level middleware that answered
 * first (401) leaves its prefix pattern, `/images(?:\/|$)`, read here as `/images`.
 */
export const routePattern = (ctx: Context): string | undefined =>
  typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute.replace('(?:\\/|$)', '') : undefined
