import type * as t from 'io-ts'
import { BUILT_IN_TIERS, type Tier } from '../../../domain/tier'
import type { Image } from '../../../domain/image'
import type { User } from '../../../domain/user'
import { ExpiringLinkResource, ImagePage, ImageResource, MeResource, SessionResource, TierResource, UserResource } from '../resources'
import { imageJson, meJson, tierJson, userJson } from '../serialize'

/**
 * Examples for the document, made by the serializers the routes use from sample domain
 * values: they cannot drift from what the API really answers.
 */
export const sampleResources = (publicUrl: string): ReadonlyMap<t.Mixed, unknown> => {
  const enterprise = BUILT_IN_TIERS[2] ?? BUILT_IN_TIERS[0]
  if (!enterprise) throw new Error('no built-in tier')
  const tier: Tier = { id: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b', ...enterprise }
  const user: User = {
    id: '0b9f6a52-3c1d-4e8f-9a7b-6c5d4e3f2a1b', username: 'ada', passwordHash: '', tierId: tier.id, role: 'user',
    active: true, sessionVersion: 0, createdAt: new Date('2026-11-28T01:09:00.000Z'),
  }
  const image: Image = {
    id: '3d6f1c8e-2b4a-4c9d-8e7f-1a2b3c4d5e6f', ownerId: user.id, name: 'cat', format: 'jpeg', width: 1920, height: 1080,
    bytes: 482113, sha256: '0'.repeat(64), createdAt: new Date('2026-11-28T01:10:25.340Z'),
  }
  const imageExample = imageJson(publicUrl, image, tier)
  return new Map<t.Mixed, unknown>([
    [ImageResource, imageExample],
    [ImagePage, { count: 41, next: `${publicUrl}/images?limit=20&offset=20`, previous: null, results: [imageExample] }],
    [TierResource, tierJson(tier)],
    [UserResource, userJson(user)],
    [MeResource, meJson(user, tier)],
    [SessionResource, { accessToken: 'eyJhbGciOiJIUzI1NiJ9.e30.sample', refreshToken: 'sample-refresh-token', tokenType: 'Bearer', expiresIn: 900, user: meJson(user, tier) }],
    [ExpiringLinkResource, { url: `${publicUrl}/links/sample-token`, expiresAt: '2026-11-28T01:20:25.000Z' }],
  ])
}
