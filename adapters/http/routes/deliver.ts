import { Readable } from 'node:stream'
import type { Context } from 'koa'
import type { Delivery } from '../../../application/delivery'

/**
 * Sends bytes, a 304, or a redirect. `cacheControl` comes from the caller: owner
 * routes revalidate every time (the tier may change), links never outlive themselves.
 */
export const sendDelivery = (ctx: Context, delivery: Delivery, cacheControl: string): void => {
  ctx.set('ETag', delivery.etag)
  ctx.set('Cache-Control', cacheControl)
  ctx.set('X-Content-Type-Options', 'nosniff')
  switch (delivery._tag) {
    case 'NotModified':
      ctx.status = 304
      return
    case 'Redirect':
      // Body first: Koa turns a null body set after the status into a 204.
      ctx.body = null
      ctx.status = 302
      ctx.set('Location', delivery.url)
      return
    case 'Headers':
      ctx.status = 200
      ctx.type = delivery.contentType
      ctx.length = delivery.length
      return
    case 'Bytes':
      ctx.status = 200
      ctx.type = delivery.contentType
      // Bytes already in memory go as they are; a stream is destroyed by Koa when the response ends, read or not (HEAD).
      ctx.body = delivery.whole !== undefined ? Buffer.from(delivery.whole.buffer, delivery.whole.byteOffset, delivery.whole.byteLength)
        : delivery.body instanceof Readable ? delivery.body : Readable.from(delivery.body)
      ctx.length = delivery.length
  }
}

/** The conditional and method parts of a bytes request (HEAD gets a HEAD-signed redirect). */
export const conditional = (ctx: Context): { ifNoneMatch?: string; method: 'GET' | 'HEAD' } => ({
  ifNoneMatch: ctx.get('if-none-match') || undefined,
  method: ctx.method === 'HEAD' ? 'HEAD' : 'GET',
})

/** Owner routes: cacheable only privately and only after revalidation (ETag makes that cheap). */
export const OWNER_CACHE_CONTROL = 'private, no-cache'
