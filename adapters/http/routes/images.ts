import * as E from 'fp-ts/Either'
import Router from '@koa/router'
import type { Context } from 'koa'
import { PageQuery } from '../../../domain/page'
import type { UseCases } from '../../../application/bound-use-cases'
import type { HttpSettings } from '../api'
import { principalOf, requireUser } from '../authn'
import { bodyOf, jsonBody } from '../body'
import { unacceptedCoding, UPLOAD_CODINGS } from '../content-encoding'
import { decodeWith } from '../decode'
import { problemOf, sendProblem } from '../problem'
import type { Limit } from '../rate-limit'
import { decoded, respond } from '../respond'
import { imageTextMemo } from '../image-text'
import { envelopeText, imageJson } from '../serialize'
import { sendAnswer } from '../answer'
import { createLinkAnswer } from './create-link'
import { uploadAnswer } from './upload'
import { conditional, OWNER_CACHE_CONTROL, sendDelivery } from './deliver'
import { uuidParam } from './params'

export const imageRoutes = (api: UseCases, settings: HttpSettings, limit: Limit): Router => {
  const router = new Router({ prefix: '/images' })
  const base = settings.publicUrl
  const imageText = imageTextMemo(base)
  router.use(requireUser(api))
  router.param('id', uuidParam('image'))

  const answerUpload = uploadAnswer(api, base, settings.maxUploadBytes)
  router.post('/', limit('upload'), async (ctx) => {
    // Uploads are compressed images already: checked before the body is read.
    const unaccepted = unacceptedCoding(ctx, UPLOAD_CODINGS)
    if (unaccepted) return sendProblem(ctx, unaccepted)
    const answer = await answerUpload(principalOf(ctx), ctx.req, ctx.state.log)
    if (E.isLeft(answer)) return sendProblem(ctx, answer.left)
    sendAnswer(ctx, answer.right)
  })

  router.get('/', limit('read'), async (ctx) => {
    const { user, tier } = principalOf(ctx)
    const query = decoded(ctx, decodeWith(PageQuery, ctx.query, 'query'))
    if (!query) return
    if (query.cursor !== undefined && query.offset !== undefined) {
      return sendProblem(ctx, problemOf({ _tag: 'InvalidCursor' }))
    }
    await respond(ctx, api.listImages({ ownerId: user.id, ...query }), (page) => {
      ctx.type = 'json'
      ctx.body = envelopeText(`${base}/images`, page, imageText(tier))
    })
  })

  router.get('/:id', limit('read'), async (ctx) => {
    const { user, tier } = principalOf(ctx)
    await respond(ctx, api.getImage({ ownerId: user.id, imageId: ctx.params.id ?? '' }), (image) => {
      ctx.body = imageJson(base, image, tier)
    })
  })

  router.delete('/:id', limit('read'), async (ctx) => {
    await respond(ctx, api.deleteImage({ ownerId: principalOf(ctx).user.id, imageId: ctx.params.id ?? '' }), (deletion) => {
      // Deleted for the client either way; leftover blobs are the purge sweep's to remove.
      if (!deletion.complete) ctx.state.log?.warn({ imageId: ctx.params.id }, 'image deleted; blob removal deferred to the purge sweep')
      ctx.status = 204
    })
  })

  router.get('/:id/thumbnails/:height', limit('read'), async (ctx) => {
    const { user, tier } = principalOf(ctx)
    const cmd = { ownerId: user.id, tier, imageId: ctx.params.id ?? '', height: ctx.params.height ?? '', ...conditional(ctx) }
    await respond(ctx, api.getThumbnail(cmd), (delivery) => sendDelivery(ctx, delivery, OWNER_CACHE_CONTROL))
  })

  router.get('/:id/original', limit('read'), async (ctx) => {
    const { user, tier } = principalOf(ctx)
    const cmd = { ownerId: user.id, tier, imageId: ctx.params.id ?? '', ...conditional(ctx) }
    await respond(ctx, api.getOriginal(cmd), (delivery) => sendDelivery(ctx, delivery, OWNER_CACHE_CONTROL))
  })

  const answerLink = createLinkAnswer(api, base)
  const createLink = (variantOf: (ctx: Context) => 'original' | { height: string }) => async (ctx: Context) => {
    const answer = await answerLink({ owner: principalOf(ctx), imageId: ctx.params.id ?? '', variant: variantOf(ctx), body: bodyOf(ctx) }, ctx.state.log)
    if (E.isLeft(answer)) return sendProblem(ctx, answer.left)
    sendAnswer(ctx, answer.right)
  }
  router.post('/:id/thumbnails/:height/expiring-links', limit('link'), jsonBody, createLink((ctx) => ({ height: ctx.params.height ?? '' })))
  router.post('/:id/original/expiring-links', limit('link'), jsonBody, createLink(() => 'original'))

  return router
}

