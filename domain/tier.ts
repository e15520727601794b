import * as t from 'io-ts'
import * as E from 'fp-ts/Either'
import { described, intBetween, trimmedString } from './codecs'
import type { InvalidExpiry, InvalidTier, TierForbidsExpiringLinks, TierForbidsOriginal, TierForbidsSize } from './errors'
import type { Variant } from './variant'

export const HEIGHT_MIN = 16
export const HEIGHT_MAX = 4096
export const EXPIRY_FLOOR = 60
export const EXPIRY_CEILING = 604_800
export const DEFAULT_EXPIRING_LINK_SECONDS = { min: 300, max: 30_000 } as const

export interface ExpiringLinkSeconds { readonly min: number; readonly max: number }

export interface Tier {
  readonly id: string
  readonly name: string
  readonly thumbnailHeights: readonly number[]
  readonly originalLink: boolean
  readonly expiringLinks: boolean
  readonly expiringLinkSeconds: ExpiringLinkSeconds
}

export const TierName = trimmedString(1, 100, 'TierName')
export const Height = intBetween(HEIGHT_MIN, HEIGHT_MAX, 'Height')

/** 1–20 distinct heights; stored sorted so links and comparisons are stable. */
export const ThumbnailHeights = described(new t.Type<number[], number[], unknown>(
  'ThumbnailHeights',
  (u): u is number[] => t.array(Height).is(u) && u.length >= 1 && u.length <= 20 && new Set(u).size === u.length,
  (u, c) => {
    if (!Array.isArray(u)) return t.failure(u, c, 'must be an array of integers')
    if (u.length < 1 || u.length > 20) return t.failure(u, c, 'must hold 1 to 20 heights')
    const bad = u.find((h) => !Height.is(h))
    if (bad !== undefined) return t.failure(u, c, `each height must be an integer from ${HEIGHT_MIN} to ${HEIGHT_MAX}`)
    if (new Set(u).size !== u.length) return t.failure(u, c, 'heights must be distinct')
    return t.success([...(u as number[])].sort((a, b) => a - b))
  },
  t.identity,
), { like: t.array(Height), schema: { minItems: 1, maxItems: 20, uniqueItems: true } })

const Seconds = intBetween(EXPIRY_FLOOR, EXPIRY_CEILING, 'ExpirySeconds')
export const ExpiringLinkSecondsCodec = described(new t.Type<ExpiringLinkSeconds, ExpiringLinkSeconds, unknown>(
  'ExpiringLinkSeconds',
  (u): u is ExpiringLinkSeconds => t.type({ min: Seconds, max: Seconds }).is(u) && u.min <= u.max,
  (u, c) => {
    const decoded = t.strict({ min: Seconds, max: Seconds }).validate(u, c)
    if (E.isLeft(decoded)) return decoded
    const v = decoded.right
    return v.min <= v.max ? t.success(v) : t.failure<ExpiringLinkSeconds>(u, c, 'min must not exceed max')
  },
  t.identity,
), { like: t.strict({ min: Seconds, max: Seconds }), schema: { description: 'seconds; min must not exceed max' } })

/** What an admin sends to create a tier (flags default to the most restrictive). */
export const TierInput = t.intersection([
  t.strict({ name: TierName, thumbnailHeights: ThumbnailHeights }),
  t.exact(t.partial({ originalLink: t.boolean, expiringLinks: t.boolean, expiringLinkSeconds: ExpiringLinkSecondsCodec })),
])
export type TierInput = t.TypeOf<typeof TierInput>

export const TierPatch = t.exact(
  t.partial({
    name: TierName,
    thumbnailHeights: ThumbnailHeights,
    originalLink: t.boolean,
    expiringLinks: t.boolean,
    // Either bound alone may change; the merged pair is checked by applyTierPatch.
    expiringLinkSeconds: t.exact(t.partial({ min: Seconds, max: Seconds })),
  }),
)
export type TierPatch = t.TypeOf<typeof TierPatch>

export type TierDraft = Omit<Tier, 'id'>

export const tierDraftFromInput = (input: TierInput): TierDraft => ({
  name: input.name,
  thumbnailHeights: input.thumbnailHeights,
  originalLink: input.originalLink ?? false,
  expiringLinks: input.expiringLinks ?? false,
  expiringLinkSeconds: input.expiringLinkSeconds ?? DEFAULT_EXPIRING_LINK_SECONDS,
})

/** Re-checks the invariants a patch cannot see alone (the merged result must be a Tier). */
export const applyTierPatch = (tier: Tier, patch: TierPatch): E.Either<InvalidTier, Tier> => {
  const merged: Tier = { ...tier, ...patch, expiringLinkSeconds: { ...tier.expiringLinkSeconds, ...patch.expiringLinkSeconds } }
  return merged.expiringLinkSeconds.min <= merged.expiringLinkSeconds.max
    ? E.right(merged)
    : E.left({ _tag: 'InvalidTier', problems: ['expiringLinkSeconds.min must not exceed max'] })
}

/** The built-in tiers, seeded by migration; admins may edit them like any other. */
export const BUILT_IN_TIERS: readonly TierDraft[] = [
  { name: 'Basic', thumbnailHeights: [200], originalLink: false, expiringLinks: false, expiringLinkSeconds: DEFAULT_EXPIRING_LINK_SECONDS },
  { name: 'Premium', thumbnailHeights: [200, 400], originalLink: true, expiringLinks: false, expiringLinkSeconds: DEFAULT_EXPIRING_LINK_SECONDS },
  { name: 'Enterprise', thumbnailHeights: [200, 400], originalLink: true, expiringLinks: true, expiringLinkSeconds: DEFAULT_EXPIRING_LINK_SECONDS },
]

export const allowsHeight = (tier: Tier, height: number): E.Either<TierForbidsSize, number> =>
  tier.thumbnailHeights.includes(height)
    ? E.right(height)
    : E.left({ _tag: 'TierForbidsSize', height, allowed: tier.thumbnailHeights })

export const allowsOriginal = (tier: Tier): E.Either<TierForbidsOriginal, true> =>
  tier.originalLink ? E.right(true) : E.left({ _tag: 'TierForbidsOriginal' })

export const allowsVariant = (tier: Tier, variant: Variant): E.Either<TierForbidsSize | TierForbidsOriginal, Variant> =>
  variant.kind === 'original'
    ? E.map((): Variant => variant)(allowsOriginal(tier))
    : E.map((): Variant => variant)(allowsHeight(tier, variant.height))

/**
 * May this tier hand out an expiring link to `variant` lasting `expiresIn` seconds?
 * Permission first (403), then the value (400), as DESIGN.md §3 orders the checks.
 * `expiresIn` is unknown: anything but an integer JSON number in range is InvalidExpiry.
 */
export const allowExpiringLink = (
  tier: Tier,
  variant: Variant,
  expiresIn: unknown,
): E.Either<TierForbidsExpiringLinks | TierForbidsSize | TierForbidsOriginal | InvalidExpiry, number> => {
  if (!tier.expiringLinks) return E.left({ _tag: 'TierForbidsExpiringLinks' })
  // Plain steps, not E.chainW: fp-ts's dual-arity combinators copy their arguments on every call (a hot path, profiled).
  const allowed = allowsVariant(tier, variant)
  if (E.isLeft(allowed)) return allowed
  const { min, max } = tier.expiringLinkSeconds
  return typeof expiresIn === 'number' && Number.isInteger(expiresIn) && expiresIn >= min && expiresIn <= max
    ? E.right(expiresIn)
    : E.left({ _tag: 'InvalidExpiry', min, max })
}

/** Does the tier still allow a link that was issued for `variant` (checked at use)? */
export const tierStillAllowsLink = (tier: Tier, variant: Variant): boolean =>
  tier.expiringLinks && E.isRight(allowsVariant(tier, variant))
