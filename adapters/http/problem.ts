import type { Context } from 'koa'
import type * as Errors from '../../domain/errors'
import type { ProblemResource } from './resources'
import { sendAnswer, type Answer } from './answer'

/** Every expected failure a use-case can return. */
export type AppError =
  | Errors.ImageNotFound | Errors.TierNotFound | Errors.UserNotFound | Errors.TierForbidsSize
  | Errors.TierForbidsOriginal | Errors.TierForbidsExpiringLinks | Errors.InvalidHeight | Errors.InvalidExpiry
  | Errors.FileRequired | Errors.FileTooLarge | Errors.UnsupportedImageFormat | Errors.ImageUnreadable
  | Errors.ImageTooManyPixels | Errors.InvalidImageName | Errors.InvalidCredentials | Errors.Unauthorized
  | Errors.AdminOnly | Errors.ReadOnlyAdmin | Errors.TierNameTaken | Errors.TierInUse | Errors.UsernameTaken
  | Errors.InvalidTier | Errors.CannotChangeOwnAccount | Errors.LinkInvalid | Errors.LinkExpired
  | Errors.LinkNotFound | Errors.LinkRevoked | Errors.InvalidCursor | Errors.RefreshTokenInvalid
  | Errors.UnknownTier | Errors.BlobNotFound | Errors.InfrastructureFailure | Errors.RenderFailed

export interface FieldProblem { readonly path: string; readonly message: string }

/** RFC 9457 problem details, with a stable snake_case `code`. */
export interface Problem {
  readonly status: number
  readonly code: string
  readonly title: string
  readonly detail: string
  readonly errors?: readonly FieldProblem[]
  /** Response headers the problem needs (WWW-Authenticate, Retry-After, Allow…). */
  readonly headers?: Readonly<Record<string, string>>
}

const p = (status: number, code: string, title: string, detail: string, extra: Partial<Problem> = {}): Problem =>
  ({ status, code, title, detail, ...extra })

export const BEARER_CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="imgtier"' }

/** The one place where an error becomes a status. Exhaustive: a new tag will not compile until mapped. */
export const problemOf = (e: AppError): Problem => {
  switch (e._tag) {
    case 'ImageNotFound': return p(404, 'not_found', 'Not found', 'No image with this id.')
    case 'TierNotFound': return p(404, 'not_found', 'Not found', 'No tier with this id.')
    case 'UserNotFound': return p(404, 'not_found', 'Not found', 'No user with this id.')
    case 'TierForbidsSize':
      return p(403, 'tier_forbids_size', 'Size not in your tier', `Your tier allows thumbnail heights ${e.allowed.join(', ')}; not ${e.height}.`)
    case 'TierForbidsOriginal': return p(403, 'tier_forbids_original', 'Original not in your tier', 'Your tier does not include the original image.')
    case 'TierForbidsExpiringLinks': return p(403, 'tier_forbids_expiring_links', 'Expiring links not in your tier', 'Your tier does not include expiring links.')
    case 'InvalidHeight': return p(400, 'invalid_height', 'Invalid height', `The height must be a positive whole number of pixels, not "${e.raw.slice(0, 40)}".`)
    case 'InvalidExpiry':
      return p(400, 'invalid_expiry', 'Invalid expiry', `expiresIn must be an integer number of seconds from ${e.min} to ${e.max}.`,
        { errors: [{ path: 'expiresIn', message: `must be an integer from ${e.min} to ${e.max}` }] })
    case 'FileRequired': return p(400, 'file_required', 'File required', 'Send one non-empty image file in the multipart field "image".')
    case 'FileTooLarge': return p(413, 'file_too_large', 'File too large', `The image must be at most ${e.maxBytes} bytes.`)
    case 'UnsupportedImageFormat':
      return p(415, 'unsupported_image_format', 'Unsupported image format', `Only JPEG and PNG images are accepted${e.detected && e.detected !== 'unknown' ? `; this looks like ${e.detected}` : ''}.`)
    // e.reason is the decoder's own text: it goes to the log (respond.ts), never to the client.
    case 'ImageUnreadable':
      return p(422, 'image_unreadable', 'Image unreadable', 'The file starts like a JPEG or PNG image but cannot be decoded: it is truncated or corrupt.')
    case 'ImageTooManyPixels':
      return p(422, 'image_too_many_pixels', 'Too many pixels', `The image has ${e.pixels} pixels; at most ${e.maxPixels} are accepted.`)
    case 'InvalidImageName': return p(400, 'invalid_request', 'Invalid request', e.reason, { errors: [{ path: 'name', message: e.reason }] })
    case 'InvalidCredentials': return p(401, 'invalid_credentials', 'Invalid credentials', 'Wrong username or password.', { headers: BEARER_CHALLENGE })
    case 'Unauthorized': return p(401, 'unauthorized', 'Unauthorized', 'Valid credentials are required.', { headers: BEARER_CHALLENGE })
    case 'RefreshTokenInvalid': return p(401, 'unauthorized', 'Unauthorized', 'The refresh token is invalid, expired or revoked.', { headers: BEARER_CHALLENGE })
    case 'AdminOnly': return p(403, 'admin_only', 'Admins only', 'This needs the admin role.')
    case 'ReadOnlyAdmin': return p(403, 'read_only_admin', 'Read-only admin', 'Auditors may read but not change.')
    case 'TierNameTaken': return p(409, 'tier_name_taken', 'Tier name taken', `A tier named "${e.name}" exists already.`)
    case 'TierInUse': return p(409, 'tier_in_use', 'Tier in use', `${e.users} user(s) are on this tier; move them first.`)
    case 'UsernameTaken': return p(409, 'username_taken', 'Username taken', `The username "${e.username}" is taken.`)
    case 'InvalidTier': return p(400, 'invalid_request', 'Invalid request', e.problems.join('; '), { errors: e.problems.map((m) => ({ path: 'expiringLinkSeconds', message: m })) })
    case 'CannotChangeOwnAccount': return p(409, 'cannot_change_own_account', 'Not on yourself', `${e.reason[0]?.toUpperCase()}${e.reason.slice(1)}.`)
    case 'LinkInvalid': return p(403, 'link_invalid', 'Invalid link', 'This link is malformed or was not issued by this service.')
    case 'LinkExpired': return p(410, 'link_expired', 'Link expired', `This link expired at ${e.expiredAt.toISOString()}.`)
    case 'LinkNotFound': return p(404, 'link_not_found', 'Link target gone', 'The image this link pointed to no longer exists.')
    case 'LinkRevoked': return p(403, 'link_revoked', 'Link revoked', "The owner's tier no longer allows this link.")
    case 'InvalidCursor': return p(400, 'invalid_request', 'Invalid request', 'The cursor is not one this API issued.', { errors: [{ path: 'cursor', message: 'unknown cursor' }] })
    case 'UnknownTier': return p(400, 'invalid_request', 'Invalid request', `No tier has id "${e.tierId}".`, { errors: [{ path: 'tierId', message: 'no tier has this id' }] })
    case 'RenderFailed':
      return e.timedOut
        ? p(503, 'thumbnail_timeout', 'Thumbnail not ready', 'Rendering the thumbnail took too long; try again.', { headers: { 'Retry-After': '5' } })
        : p(502, 'thumbnail_failed', 'Thumbnail failed', 'The thumbnail renderer failed.')
    case 'BlobNotFound': return INTERNAL
    case 'InfrastructureFailure':
      return p(503, 'service_unavailable', 'Service unavailable', 'A backing service failed; try again shortly.', { headers: { 'Retry-After': '5' } })
  }
}

export const INTERNAL = p(500, 'internal_error', 'Internal error', 'Something went wrong on our side.')

export const invalidRequest = (errors: readonly FieldProblem[], detail = 'The request is not valid.'): Problem =>
  p(400, 'invalid_request', 'Invalid request', detail, { errors })

export const problem = p

/** The RFC 9457 body of a problem, as the API sends it (and the OpenAPI examples show it). */
export const problemBody = (prob: Problem, requestId?: string): ProblemResource => ({
  type: `urn:imgtier:problem:${prob.code}`,
  title: prob.title,
  status: prob.status,
  detail: prob.detail,
  code: prob.code,
  ...(prob.errors ? { errors: [...prob.errors] } : {}),
  // Quoted in a support request, it finds the request's log lines.
  ...(requestId !== undefined ? { requestId } : {}),
})

/**
 * A problem+json answer: the problem's own headers, its body with the request id. Koa sends
 * it (sendProblem), and so do the routes answered before Koa (fast-routes.ts). The body never
 * holds a stack trace or an internal message.
 */
export const problemAnswer = (prob: Problem, requestId?: string, extra?: Readonly<Record<string, unknown>>): Answer => {
  const body = JSON.stringify({ ...problemBody(prob, requestId), ...extra })
  return {
    status: prob.status,
    headers: [...Object.entries(prob.headers ?? {}), ['Content-Type', 'application/problem+json'], ['Content-Length', String(Buffer.byteLength(body))]],
    body,
  }
}

/** Writes a problem+json response through Koa; `extra` adds members to the body (readiness adds its checks). */
export const sendProblem = (ctx: Context, prob: Problem, extra?: Readonly<Record<string, unknown>>): void =>
  sendAnswer(ctx, problemAnswer(prob, typeof ctx.state.requestId === 'string' ? ctx.state.requestId : undefined, extra))

/** Marks an error the logger should see: only infrastructure failures and bugs are logged loudly. */
export const isServerSide = (prob: Problem): boolean => prob.status >= 500
