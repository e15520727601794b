import Router from '@koa/router'
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import type { Context } from 'koa'
import type { Counted, OffsetWindow } from '../../../application/ports/repositories'
import * as t from 'io-ts'
import { Uuid } from '../../../domain/ids'
import { LIMIT_DEFAULT, offsetPage, PageQuery } from '../../../domain/page'
import { TierInput, TierPatch } from '../../../domain/tier'
import { Password, Role, Username } from '../../../domain/user'
import type { UseCases } from '../../../application/bound-use-cases'
import type { HttpSettings } from '../api'
import { principalOf, requireAdmin, requireUser } from '../authn'
import { bodyOf, jsonBody } from '../body'
import { decodeBody, decodeWith } from '../decode'
import type { AppError } from '../problem'
import type { Limit } from '../rate-limit'
import { decoded, respond, sendAppError } from '../respond'
import { envelopeText, tierJson, userJson } from '../serialize'
import { uuidParam } from './params'

export const CreateUserBody = t.intersection([
  t.strict({ username: Username, password: Password }),
  t.exact(t.partial({ tierId: Uuid, role: Role, active: t.boolean })),
], 'CreateUserRequest')
export const UpdateUserBody = t.exact(t.partial({ tierId: Uuid, role: Role, password: Password, active: t.boolean }), 'UpdateUserRequest')
export const ListQuery = t.exact(t.partial({ limit: PageQuery.type.props.limit, offset: PageQuery.type.props.offset }))

const TIER_FIELDS = ['name', 'thumbnailHeights', 'originalLink', 'expiringLinks', 'expiringLinkSeconds']
const CREATE_USER_FIELDS = ['username', 'password', 'tierId', 'role', 'active']
const UPDATE_USER_FIELDS = ['tierId', 'role', 'password', 'active']

/** Authentication (401), then role (403), then existence (404), then the body (400). */
export const adminRoutes = (api: UseCases, settings: HttpSettings, limit: Limit): Router => {
  const router = new Router({ prefix: '/admin' })
  const base = settings.publicUrl
  router.use(requireUser(api), limit('read'), requireAdmin)
  router.param('tierId', uuidParam('tier'))
  router.param('userId', uuidParam('user'))

  /** A collection route: limit/offset from the query, the shared envelope out. */
  const listed = <T, J>(
    list: (window: OffsetWindow) => TE.TaskEither<AppError, Counted<T>>, url: string, toJson: (item: T) => J,
  ) => async (ctx: Context) => {
    const q = decoded(ctx, decodeWith(ListQuery, ctx.query, 'query'))
    if (!q) return
    const limit = q.limit ?? LIMIT_DEFAULT
    const offset = q.offset ?? 0
    await respond(ctx, list({ limit, offset }), (found) => {
      ctx.type = 'json'
      ctx.body = envelopeText(url, offsetPage(found, limit, offset), (item) => JSON.stringify(toJson(item)))
    })
  }

  router.get('/tiers', listed(api.listTiers, `${base}/admin/tiers`, tierJson))
  router.post('/tiers', jsonBody, async (ctx) => {
    const input = decoded(ctx, decodeBody(TierInput, TIER_FIELDS)(bodyOf(ctx)))
    if (!input) return
    await respond(ctx, api.createTier(input), (tier) => {
      ctx.status = 201
      ctx.set('Location', `${base}/admin/tiers/${tier.id}`)
      ctx.body = tierJson(tier)
    })
  })
  router.get('/tiers/:tierId', async (ctx) => {
    await respond(ctx, api.getTier(ctx.params.tierId ?? ''), (tier) => { ctx.body = tierJson(tier) })
  })
  router.patch('/tiers/:tierId', jsonBody, async (ctx) => {
    const id = ctx.params.tierId ?? ''
    // Existence (404) is judged before the body (400).
    const existing = await api.getTier(id)()
    if (E.isLeft(existing)) return sendAppError(ctx, existing.left)
    const patch = decoded(ctx, decodeBody(TierPatch, TIER_FIELDS)(bodyOf(ctx)))
    if (!patch) return
    await respond(ctx, api.updateTier(id, patch), (tier) => { ctx.body = tierJson(tier) })
  })
  router.delete('/tiers/:tierId', async (ctx) => {
    await respond(ctx, api.deleteTier(ctx.params.tierId ?? ''), () => { ctx.status = 204 })
  })

  router.get('/users', listed(api.listUsers, `${base}/admin/users`, userJson))
  router.post('/users', jsonBody, async (ctx) => {
    const input = decoded(ctx, decodeBody(CreateUserBody, CREATE_USER_FIELDS)(bodyOf(ctx)))
    if (!input) return
    await respond(ctx, api.createUser(input), (user) => {
      ctx.status = 201
      ctx.set('Location', `${base}/admin/users/${user.id}`)
      ctx.body = userJson(user)
    })
  })
  router.get('/users/:userId', async (ctx) => {
    await respond(ctx, api.getUser(ctx.params.userId ?? ''), (user) => { ctx.body = userJson(user) })
  })
  router.patch('/users/:userId', jsonBody, async (ctx) => {
    const id = ctx.params.userId ?? ''
    const existing = await api.getUser(id)()
    if (E.isLeft(existing)) return sendAppError(ctx, existing.left)
    const patch = decoded(ctx, decodeBody(UpdateUserBody, UPDATE_USER_FIELDS)(bodyOf(ctx)))
    if (!patch) return
    await respond(ctx, api.updateUser(principalOf(ctx).user.id, id, patch), (user) => { ctx.body = userJson(user) })
  })
  router.delete('/users/:userId', async (ctx) => {
    await respond(ctx, api.deleteUser(principalOf(ctx).user.id, ctx.params.userId ?? ''), () => { ctx.status = 204 })
  })

  return router
}
