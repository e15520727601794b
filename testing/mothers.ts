import { randomBytes, randomUUID } from 'node:crypto'
import type { RefreshTokenRecord } from '../application/ports/repositories'
import type { Image } from '../domain/image'
import type { Tier } from '../domain/tier'
import type { User } from '../domain/user'

// Object mothers: the one place test data comes from. Suites may share one store, so
// every name and id is unique per call; pass what the test is about, take the rest.

const suffix = () => randomBytes(4).toString('hex')

export const aTier = (over: Partial<Tier> = {}): Tier => ({
  id: randomUUID(),
  name: `Tier ${suffix()}`,
  thumbnailHeights: [100, 300],
  originalLink: true,
  expiringLinks: false,
  expiringLinkSeconds: { min: 300, max: 30_000 },
  ...over,
})

export const aUser = (tierId: string, over: Partial<User> = {}): User => ({
  id: randomUUID(),
  username: `user_${suffix()}`,
  passwordHash: 'scrypt$hash',
  tierId,
  role: 'user',
  active: true,
  sessionVersion: 0,
  createdAt: new Date(),
  ...over,
})

export const anImage = (ownerId: string, over: Partial<Image> = {}): Image => ({
  id: randomUUID(),
  ownerId,
  name: `image ${suffix()}`,
  format: 'jpeg',
  width: 640,
  height: 480,
  bytes: 123_456,
  sha256: randomBytes(32).toString('hex'),
  createdAt: new Date(),
  ...over,
})

export const aRefreshToken = (userId: string, over: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord => ({
  digest: randomBytes(32).toString('base64url'),
  userId,
  familyId: randomUUID(),
  expiresAt: new Date(Date.now() + 86_400_000),
  createdAt: new Date(),
  ...over,
})

/** The smallest PNG of a given size whose header a reader (or the in-memory inspector) accepts. */
export const aPngHeader = (width: number, height: number): Buffer => {
  const b = Buffer.alloc(33)
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0)
  b.writeUInt32BE(13, 8)
  b.write('IHDR', 12, 'ascii')
  b.writeUInt32BE(width, 16)
  b.writeUInt32BE(height, 20)
  b.writeUInt8(8, 24) // bit depth
  b.writeUInt8(2, 25) // truecolour
  return b
}
