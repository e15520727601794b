import * as t from 'io-ts'
import { described, intBetween } from '../../domain/codecs'
import { Uuid } from '../../domain/ids'
import { TierName, ThumbnailHeights, ExpiringLinkSecondsCodec } from '../../domain/tier'
import { Role, Username } from '../../domain/user'

/**
 * What the API answers, as io-ts codecs: serialize.ts builds values of these types (the
 * compiler holds it to them) and the OpenAPI document is derived from them, so the
 * description, the serializers and the e2e checks share one source. Exact codecs: the
 * API promises these keys and no others.
 */

const stringMatching = (name: string, test: (s: string) => boolean, schema: Record<string, unknown>) => described(
  new t.Type<string, string, unknown>(name, (u): u is string => typeof u === 'string' && test(u),
    (u, c) => (typeof u === 'string' && test(u) ? t.success(u) : t.failure(u, c, `must be ${name}`)), t.identity),
  { schema: { type: 'string', ...schema } },
)

const isUrl = (s: string): boolean => URL.canParse(s)

/** Times are ISO 8601 UTC strings (DESIGN.md §3). */
export const DateTime = stringMatching('DateTime', (s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(s), { format: 'date-time' })
export const AbsoluteUrl = stringMatching('AbsoluteUrl', isUrl, { format: 'uri' })
const Count = intBetween(0, Number.MAX_SAFE_INTEGER, 'Count')
const Positive = intBetween(1, Number.MAX_SAFE_INTEGER, 'Positive')

/** Links keyed by thumbnail height ("200"): only the heights the owner's tier allows. */
const ByHeight = t.record(stringMatching('HeightKey', (s) => /^[1-9][0-9]*$/.test(s), { pattern: '^[1-9][0-9]*$' }), AbsoluteUrl)

/** An image's links; keys the owner's tier does not allow are absent, never null. */
export const ImageLinksResource = t.intersection([
  t.strict({ thumbnails: ByHeight }),
  t.exact(t.partial({
    original: AbsoluteUrl,
    expiringLinks: t.intersection([t.strict({ thumbnails: ByHeight }), t.exact(t.partial({ original: AbsoluteUrl }))]),
  })),
], 'ImageLinks')

export const ImageResource = t.strict({
  id: Uuid,
  name: t.string,
  format: t.keyof({ jpeg: null, png: null }),
  width: Positive,
  height: Positive,
  bytes: Count,
  createdAt: DateTime,
  links: ImageLinksResource,
}, 'Image')
export type ImageResource = t.TypeOf<typeof ImageResource>

export const TierResource = t.strict({
  id: Uuid,
  name: TierName,
  thumbnailHeights: ThumbnailHeights,
  originalLink: t.boolean,
  expiringLinks: t.boolean,
  expiringLinkSeconds: ExpiringLinkSecondsCodec,
}, 'Tier')
export type TierResource = t.TypeOf<typeof TierResource>

export const UserResource = t.strict({ id: Uuid, username: Username, role: Role, active: t.boolean, tierId: Uuid, createdAt: DateTime }, 'User')
export type UserResource = t.TypeOf<typeof UserResource>

export const MeResource = t.strict({ id: Uuid, username: Username, role: Role, tier: TierResource }, 'Me')
export type MeResource = t.TypeOf<typeof MeResource>

export const SessionResource = t.strict({
  accessToken: t.string,
  refreshToken: t.string,
  tokenType: t.literal('Bearer'),
  expiresIn: Positive,
  user: MeResource,
}, 'Session')
export type SessionResource = t.TypeOf<typeof SessionResource>

export const ExpiringLinkResource = t.strict({ url: AbsoluteUrl, expiresAt: DateTime }, 'ExpiringLink')
export type ExpiringLinkResource = t.TypeOf<typeof ExpiringLinkResource>

/** The one collection envelope: {count, next, previous, results}, absolute URLs or null. */
export const envelopeOf = <C extends t.Mixed>(item: C, name: string) => t.strict({
  count: Count,
  next: t.union([AbsoluteUrl, t.null]),
  previous: t.union([AbsoluteUrl, t.null]),
  results: t.array(item),
}, name)

export const ImagePage = envelopeOf(ImageResource, 'ImagePage')
export const TierPage = envelopeOf(TierResource, 'TierPage')
export const UserPage = envelopeOf(UserResource, 'UserPage')

export const FieldProblemResource = t.strict({ path: t.string, message: t.string }, 'FieldProblem')

/** RFC 9457 problem details with a stable `code`, and the request id to quote. */
export const ProblemResource = t.intersection([
  t.strict({ type: t.string, title: t.string, status: intBetween(400, 599, 'HttpErrorStatus'), detail: t.string, code: t.string }),
  t.exact(t.partial({ errors: t.array(FieldProblemResource), requestId: t.string })),
], 'Problem')
export type ProblemResource = t.TypeOf<typeof ProblemResource>

const CheckStates = t.record(t.string, t.keyof({ ok: null, down: null }))
export const HealthResource = t.strict({ status: t.literal('ok') }, 'Health')
export const ReadyResource = t.strict({ status: t.literal('ready'), checks: CheckStates }, 'Ready')
/** /readyz when something is down: a problem that also says which checks failed. */
export const NotReadyResource = t.intersection([ProblemResource, t.strict({ checks: CheckStates })], 'NotReady')
