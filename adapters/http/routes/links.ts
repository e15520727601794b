import Router from '@koa/router'
import type { UseCases } from '../../../application/bound-use-cases'
import type { Limit } from '../rate-limit'
import { respond } from '../respond'
import { conditional, sendDelivery } from './deliver'

/** Never longer than the link lives, and short, so a revoked link stops being served soon. */
const LINK_CACHE_MAX_SECONDS = 300

export const linkRoutes = (api: UseCases, limit: Limit): Router => {
  const router = new Router()
  router.get('/links/:token', limit('read'), async (ctx) => {
    const cmd = { token: ctx.params.token ?? '', ...conditional(ctx) }
    await respond(ctx, api.openExpiringLink(cmd), ({ delivery, remainingSeconds }) => {
      ctx.set('Referrer-Policy', 'no-referrer')
      // max-age counts whole seconds: in the link's last second even max-age=1 would outlive it.
      sendDelivery(ctx, delivery, remainingSeconds < 1 ? 'no-store' : `private, max-age=${Math.min(remainingSeconds, LINK_CACHE_MAX_SECONDS)}`)
    })
  })
  return router
}
