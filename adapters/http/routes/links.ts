import Router from '@koa/router'
import type { UseCases } from '../../../application/bound-use-cases'
import type { Limit } from '../rate-limit'
import { respond } from '../respond'
import { sendAnswer } from '../answer'
import { conditional, linkAnswer } from './deliver'

export const linkRoutes = (api: UseCases, limit: Limit): Router => {
  const router = new Router()
  router.get('/links/:token', limit('read'), async (ctx) => {
    const cmd = { token: ctx.params.token ?? '', ...conditional(ctx) }
    await respond(ctx, api.openExpiringLink(cmd), (opened) => sendAnswer(ctx, linkAnswer(opened)))
  })
  return router
}
