import type { Context } from 'koa'
import { invalidRequest, problem, type Problem } from './problem'

/** What a JSON body may be sent in: the parser inflates these. */
export const JSON_CODINGS: readonly string[] = ['identity', 'gzip', 'deflate', 'br']
/** Uploads are compressed images already: their bodies come as they are. */
export const UPLOAD_CODINGS: readonly string[] = ['identity']

const codingOf = (ctx: Context): string => ctx.get('content-encoding').trim().toLowerCase() || 'identity'

/** 415 when the body's Content-Encoding is not one this route decodes (checked before reading it). */
export const unacceptedCoding = (ctx: Context, accepted: readonly string[]): Problem | undefined => {
  const coding = codingOf(ctx)
  if (accepted.includes(coding)) return undefined
  const allowed = accepted.length === 1 ? 'without a Content-Encoding' : `in ${accepted.filter((c) => c !== 'identity').join(', ')} or without one`
  return problem(415, 'unsupported_media_type', 'Unsupported media type', `Content-Encoding "${coding.slice(0, 40)}" is not accepted here; send the body ${allowed}.`)
}

/**
 * A zlib or brotli stream's failure: the body is not what its Content-Encoding says
 * (zlib codes are Z_*, brotli's ERR__ERROR_* / ERR_BROTLI_*).
 */
const isDecodingError = (err: Error): boolean =>
  'code' in err && typeof err.code === 'string' && /^(Z_|ERR__ERROR|ERR_BROTLI)/.test(err.code)

/** 400 for a body that does not decode as its Content-Encoding says, else undefined. */
export const decodingProblem = (ctx: Context, err: unknown): Problem | undefined =>
  err instanceof Error && isDecodingError(err)
    ? invalidRequest([{ path: '(body)', message: `is not valid ${codingOf(ctx)} data` }], `The request body does not decode as its Content-Encoding (${codingOf(ctx)}) says.`)
    : undefined
