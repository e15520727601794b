import { Readable } from 'node:stream'
import type { Context } from 'koa'
import type { Delivery } from '../../../application/delivery'
import type { OpenedLink } from '../../../application/use-cases/open-expiring-link'
import { sendAnswer, type Answer } from '../answer'

/**
 * Bytes, a 304, or a redirect. `cacheControl` comes from the caller: owner routes
 * revalidate every time (the tier may change), links never outlive themselves.
 */
export const deliveryAnswer = (delivery: Delivery, cacheControl: string): Answer => {
  const common = [['ETag', delivery.etag], ['Cache-Control', cacheControl], ['X-Content-Type-Options', 'nosniff']] as const
  switch (delivery._tag) {
    case 'NotModified':
      return { status: 304, headers: common }
    case 'Redirect':
      return { status: 302, headers: [...common, ['Location', delivery.url]], body: null }
    case 'Headers':
      return { status: 200, headers: [...common, ['Content-Type', delivery.contentType], ['Content-Length', String(delivery.length)]] }
    case 'Bytes':
      return {
        status: 200,
        headers: [...common, ['Content-Type', delivery.contentType], ['Content-Length', String(delivery.length)]],
        // Bytes already in memory go as they are; a stream is destroyed when the response ends, read or not (HEAD).
        body: delivery.whole !== undefined ? Buffer.from(delivery.whole.buffer, delivery.whole.byteOffset, delivery.whole.byteLength)
          : delivery.body instanceof Readable ? delivery.body : Readable.from(delivery.body),
      }
  }
}

/** Never longer than the link lives, and short, so a revoked link stops being served soon. */
const LINK_CACHE_MAX_SECONDS = 300

/** An opened link's answer: never cached past the link's life, never leaking it as a referrer. */
export const linkAnswer = ({ delivery, remainingSeconds }: OpenedLink): Answer => {
  // max-age counts whole seconds: in the link's last second even max-age=1 would outlive it.
  const answer = deliveryAnswer(delivery, remainingSeconds < 1 ? 'no-store' : `private, max-age=${Math.min(remainingSeconds, LINK_CACHE_MAX_SECONDS)}`)
  return { ...answer, headers: [['Referrer-Policy', 'no-referrer'], ...answer.headers] }
}

export const sendDelivery = (ctx: Context, delivery: Delivery, cacheControl: string): void => sendAnswer(ctx, deliveryAnswer(delivery, cacheControl))

/** The conditional and method parts of a bytes request (HEAD gets a HEAD-signed redirect). */
export const conditional = (ctx: Context): { ifNoneMatch?: string; method: 'GET' | 'HEAD' } => ({
  ifNoneMatch: ctx.get('if-none-match') || undefined,
  method: ctx.method === 'HEAD' ? 'HEAD' : 'GET',
})

/** Owner routes: cacheable only privately and only after revalidation (ETag makes that cheap). */
export const OWNER_CACHE_CONTROL = 'private, no-cache'
