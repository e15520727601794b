import type { Context, Next } from 'koa'
import { koaBody } from 'koa-body'
import { decodingProblem, JSON_CODINGS, unacceptedCoding } from './content-encoding'
import { invalidRequest, problem, sendProblem, type Problem } from './problem'

export const JSON_LIMIT_BYTES = 64 * 1024

const parseJson = koaBody({ json: true, jsonStrict: true, jsonLimit: JSON_LIMIT_BYTES, multipart: false, urlencoded: false, text: false })

/** The HTTP status a body parser's error carries (raw-body's and co-body's do), if any. */
export const statusOf = (err: unknown): number | undefined =>
  err instanceof Error && 'status' in err && typeof err.status === 'number' ? err.status : undefined

export const MALFORMED_BODY: Problem = invalidRequest([{ path: '(body)', message: 'malformed body' }], 'The request body could not be parsed.')

/** The status of a body-parser failure as a problem. */
export const parserProblem = (err: unknown): Problem | undefined => {
  const status = statusOf(err)
  if (status === 413) return problem(413, 'payload_too_large', 'Payload too large', 'The request body is too large.')
  if (status === 415) return problem(415, 'unsupported_media_type', 'Unsupported media type', 'Send application/json.')
  if (status !== undefined && status >= 400 && status < 500) return MALFORMED_BODY
  return undefined
}

/**
 * Runs a body parser and answers its refusals as problems. A refused body's rest is read
 * and discarded after the answer (linger.ts), so the client sees the answer, not a reset.
 */
const guard = (parse: (ctx: Context, next: Next) => Promise<unknown>, codings: readonly string[]) =>
  async (ctx: Context, next: Next): Promise<void> => {
    const unaccepted = unacceptedCoding(ctx, codings)
    if (unaccepted) return sendProblem(ctx, unaccepted)
    let parsed = false
    try {
      await parse(ctx, async () => { parsed = true })
    } catch (err) {
      const prob = decodingProblem(ctx, err) ?? parserProblem(err)
      if (!prob) throw err
      return sendProblem(ctx, prob)
    }
    if (parsed) await next()
  }

/** JSON bodies (64 KiB at most), parsed only after authentication has passed. */
export const jsonBody = guard(parseJson, JSON_CODINGS)

export const bodyOf = (ctx: Context): unknown => ctx.request.body

/** A top-level field of a parsed body, or undefined. */
export const fieldOf = (body: unknown, name: string): unknown =>
  body !== null && typeof body === 'object' && !Array.isArray(body) && Object.prototype.hasOwnProperty.call(body, name)
    ? Reflect.get(body, name)
    : undefined
