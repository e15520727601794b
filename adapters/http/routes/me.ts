import Router from '@koa/router'
import type { HttpApi } from '../api'
import { principalOf, requireUser } from '../authn'
import type { Limit } from '../rate-limit'
import { meJson } from '../serialize'

export const meRoutes = (api: HttpApi, limit: Limit): Router => {
  const router = new Router()
  router.get('/me', requireUser(api), limit('read'), (ctx) => {
    const { user, tier } = principalOf(ctx)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = meJson(user, tier)
  })
  return router
}
