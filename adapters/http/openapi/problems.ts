import { INTERNAL, problem, problemOf, type AppError, type Problem } from '../problem'

/**
 * One instance of every expected failure, so the description can ask problemOf itself
 * what each becomes (status, code, title, a sample detail). The mapped type makes a new
 * error tag fail to compile until it has a sample here: it then appears in the document.
 */
const SAMPLES: { readonly [K in AppError['_tag']]: Extract<AppError, { readonly _tag: K }> } = {
  ImageNotFound: { _tag: 'ImageNotFound' },
  TierNotFound: { _tag: 'TierNotFound' },
  UserNotFound: { _tag: 'UserNotFound' },
  TierForbidsSize: { _tag: 'TierForbidsSize', height: 800, allowed: [200, 400] },
  TierForbidsOriginal: { _tag: 'TierForbidsOriginal' },
  TierForbidsExpiringLinks: { _tag: 'TierForbidsExpiringLinks' },
  InvalidHeight: { _tag: 'InvalidHeight', raw: 'big' },
  InvalidExpiry: { _tag: 'InvalidExpiry', min: 300, max: 30000 },
  FileRequired: { _tag: 'FileRequired' },
  FileTooLarge: { _tag: 'FileTooLarge', maxBytes: 20 * 1024 * 1024 },
  UnsupportedImageFormat: { _tag: 'UnsupportedImageFormat', detected: 'gif' },
  ImageUnreadable: { _tag: 'ImageUnreadable', reason: 'premature end of JPEG data' },
  ImageTooManyPixels: { _tag: 'ImageTooManyPixels', pixels: 900_000_000, maxPixels: 50_000_000 },
  InvalidImageName: { _tag: 'InvalidImageName', reason: 'name must not contain control characters' },
  InvalidCredentials: { _tag: 'InvalidCredentials' },
  Unauthorized: { _tag: 'Unauthorized', reason: 'no credentials' },
  AdminOnly: { _tag: 'AdminOnly' },
  ReadOnlyAdmin: { _tag: 'ReadOnlyAdmin' },
  TierNameTaken: { _tag: 'TierNameTaken', name: 'Gold' },
  TierInUse: { _tag: 'TierInUse', users: 3 },
  UsernameTaken: { _tag: 'UsernameTaken', username: 'ada' },
  InvalidTier: { _tag: 'InvalidTier', problems: ['expiringLinkSeconds.min must not exceed max'] },
  CannotChangeOwnAccount: { _tag: 'CannotChangeOwnAccount', reason: 'an admin cannot deactivate their own account' },
  LinkInvalid: { _tag: 'LinkInvalid' },
  LinkExpired: { _tag: 'LinkExpired', expiredAt: new Date('2026-01-15T12:00:00.000Z') },
  LinkNotFound: { _tag: 'LinkNotFound' },
  LinkRevoked: { _tag: 'LinkRevoked' },
  InvalidCursor: { _tag: 'InvalidCursor' },
  RefreshTokenInvalid: { _tag: 'RefreshTokenInvalid' },
  UnknownTier: { _tag: 'UnknownTier', tierId: '00000000-0000-4000-8000-000000000000' },
  BlobNotFound: { _tag: 'BlobNotFound', key: 'sample' },
  InfrastructureFailure: { _tag: 'InfrastructureFailure', what: 'database', cause: undefined },
  RenderFailed: { _tag: 'RenderFailed', reason: 'sample', timedOut: false },
}

/** Tags whose problem depends on their fields: each other shape once more. */
const MORE_SAMPLES: readonly AppError[] = [{ _tag: 'RenderFailed', reason: 'sample', timedOut: true }]

/** Answers the HTTP edge gives by itself, before or around any use-case. */
const EDGE: readonly Problem[] = [
  problem(400, 'invalid_request', 'Invalid request', 'The body is not valid.', { errors: [{ path: 'name', message: 'must be 1 to 100 characters' }] }),
  problem(401, 'unauthorized', 'Unauthorized', 'Valid credentials are required.'),
  problem(403, 'csrf_rejected', 'Cross-site request refused', 'A cookie-authenticated change needs a JSON body or an X-Requested-With header.'),
  problem(404, 'not_found', 'Not found', 'No such resource.'),
  problem(413, 'payload_too_large', 'Payload too large', 'The request body is too large.'),
  problem(415, 'unsupported_media_type', 'Unsupported media type', 'Send application/json.'),
  problem(429, 'rate_limited', 'Too many requests', 'Slow down: try again in 12 s.'),
  problem(503, 'not_ready', 'Not ready', 'Unavailable: database.'),
]

/** Every problem code the API answers with, and a sample of each (the first sample of a code wins). */
export const problemCatalogue = (): ReadonlyMap<string, Problem> => {
  const all = [...[...Object.values(SAMPLES), ...MORE_SAMPLES].map((e: AppError) => problemOf(e)), ...EDGE, INTERNAL]
  const byCode = new Map<string, Problem>()
  for (const p of all) if (!byCode.has(p.code)) byCode.set(p.code, p)
  return byCode
}
