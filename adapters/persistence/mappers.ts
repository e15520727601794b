import type { RefreshTokenRecord } from '../../application/ports/repositories'
import type { Image } from '../../domain/image'
import type { Tier } from '../../domain/tier'
import type { User } from '../../domain/user'
import { RowShapeError, toDate, toImageFormat, toIntArray, toNumber, toOptionalDate, toRole, toTrimmed } from './rows'

// Rows ⇄ domain. Reads go through rows.ts (driver differences); writes are plain
// column objects that both drivers accept.

export interface TierColumns {
  readonly id: unknown; readonly name: unknown; readonly thumbnail_heights: unknown; readonly original_link: unknown
  readonly expiring_link: unknown; readonly expiring_link_min: unknown; readonly expiring_link_max: unknown
}

const toText = (u: unknown, what: string): string => {
  if (typeof u !== 'string') throw new RowShapeError(what, u)
  return u
}
const toBool = (u: unknown): boolean => u === true

export const tierFromRow = (r: TierColumns): Tier => ({
  id: toText(r.id, 'tier id'),
  name: toText(r.name, 'tier name'),
  thumbnailHeights: toIntArray(r.thumbnail_heights, 'thumbnail heights'),
  originalLink: toBool(r.original_link),
  expiringLinks: toBool(r.expiring_link),
  expiringLinkSeconds: { min: toNumber(r.expiring_link_min), max: toNumber(r.expiring_link_max) },
})

export const tierToRow = (t: Tier) => ({
  id: t.id,
  name: t.name,
  thumbnail_heights: [...t.thumbnailHeights],
  original_link: t.originalLink,
  expiring_link: t.expiringLinks,
  expiring_link_min: t.expiringLinkSeconds.min,
  expiring_link_max: t.expiringLinkSeconds.max,
})

export interface UserColumns {
  readonly id: unknown; readonly username: unknown; readonly password_hash: unknown; readonly tier_id: unknown
  readonly role: unknown; readonly active: unknown; readonly session_version: unknown; readonly created_at: unknown
}

export const userFromRow = (r: UserColumns): User => ({
  id: toText(r.id, 'user id'),
  username: toText(r.username, 'username'),
  passwordHash: toText(r.password_hash, 'password hash'),
  tierId: toText(r.tier_id, 'tier id'),
  role: toRole(r.role),
  active: toBool(r.active),
  sessionVersion: toNumber(r.session_version, 'session version'),
  createdAt: toDate(r.created_at),
})

export const userToRow = (u: User) => ({
  id: u.id,
  username: u.username,
  password_hash: u.passwordHash,
  tier_id: u.tierId,
  role: u.role,
  active: u.active,
  session_version: u.sessionVersion,
  created_at: u.createdAt,
})

export interface ImageColumns {
  readonly id: unknown; readonly owner_id: unknown; readonly name: unknown; readonly format: unknown; readonly width: unknown
  readonly height: unknown; readonly bytes: unknown; readonly sha256: unknown; readonly created_at: unknown
}

export const imageFromRow = (r: ImageColumns): Image => ({
  id: toText(r.id, 'image id'),
  ownerId: toText(r.owner_id, 'owner id'),
  name: toText(r.name, 'image name'),
  format: toImageFormat(r.format),
  width: toNumber(r.width, 'width'),
  height: toNumber(r.height, 'height'),
  bytes: toNumber(r.bytes, 'bytes'),
  sha256: toTrimmed(r.sha256, 'sha256'),
  createdAt: toDate(r.created_at),
})

export const imageToRow = (i: Image) => ({
  id: i.id,
  owner_id: i.ownerId,
  name: i.name,
  format: i.format,
  width: i.width,
  height: i.height,
  bytes: i.bytes,
  sha256: i.sha256,
  created_at: i.createdAt,
})

export interface RefreshTokenColumns {
  readonly digest: unknown; readonly user_id: unknown; readonly family_id: unknown; readonly expires_at: unknown
  readonly created_at: unknown; readonly used_at: unknown; readonly revoked_at: unknown
}

export const refreshTokenFromRow = (r: RefreshTokenColumns): RefreshTokenRecord => {
  const usedAt = toOptionalDate(r.used_at)
  const revokedAt = toOptionalDate(r.revoked_at)
  return {
    digest: toText(r.digest, 'digest'),
    userId: toText(r.user_id, 'user id'),
    familyId: toText(r.family_id, 'family id'),
    expiresAt: toDate(r.expires_at),
    createdAt: toDate(r.created_at),
    ...(usedAt ? { usedAt } : {}),
    ...(revokedAt ? { revokedAt } : {}),
  }
}

export const refreshTokenToRow = (t: RefreshTokenRecord) => ({
  digest: t.digest,
  user_id: t.userId,
  family_id: t.familyId,
  expires_at: t.expiresAt,
  created_at: t.createdAt,
  used_at: t.usedAt ?? null,
  revoked_at: t.revokedAt ?? null,
})
