import Router from '@koa/router'
import type { UseCases } from '../../../application/bound-use-cases'
import { principalOf, requireUser } from '../authn'
import type { Limit } from '../rate-limit'
import { meJson } from '../serialize'

export const meRoutes = (api: UseCases, limit: Limit): Router => {
  const router = new Router()
  router.get('/me', requireUser(api), limit('read'), (ctx) => {
    const { user, tier } = principalOf(ctx)
    ctx.set('Cache-Control', 'no-store')
    ctx.body = meJson(user, tier)
  })
  return router
}
