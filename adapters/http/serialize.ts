import type { Image } from '../../domain/image'
import { imageLinks } from '../../domain/links'
import type { Page, PageRequest } from '../../domain/page'
import type { Tier } from '../../domain/tier'
import type { User } from '../../domain/user'
import type { ImageResource, MeResource, TierResource, UserResource } from './resources'

export const imageJson = (baseUrl: string, image: Image, ownerTier: Tier): ImageResource => ({
  id: image.id,
  name: image.name,
  format: image.format,
  width: image.width,
  height: image.height,
  bytes: image.bytes,
  createdAt: image.createdAt.toISOString(),
  links: imageLinks(baseUrl, image, ownerTier),
})

export const tierJson = (tier: Tier): TierResource => ({
  id: tier.id,
  name: tier.name,
  thumbnailHeights: [...tier.thumbnailHeights],
  originalLink: tier.originalLink,
  expiringLinks: tier.expiringLinks,
  expiringLinkSeconds: { min: tier.expiringLinkSeconds.min, max: tier.expiringLinkSeconds.max },
})

export const userJson = (user: User): UserResource => ({
  id: user.id,
  username: user.username,
  role: user.role,
  active: user.active,
  tierId: user.tierId,
  createdAt: user.createdAt.toISOString(),
})

export const meJson = (user: User, tier: Tier): MeResource => ({ id: user.id, username: user.username, role: user.role, tier: tierJson(tier) })

const pageUrl = (collectionUrl: string, req: PageRequest): string => {
  const params = new URLSearchParams('cursor' in req ? { limit: String(req.limit), cursor: req.cursor } : { limit: String(req.limit), offset: String(req.offset) })
  return `${collectionUrl}?${params.toString()}`
}

/**
 * The one collection envelope, {count, next, previous, results} with absolute URLs or null,
 * as JSON text. Items arrive as text so that a list can reuse what it serialized before
 * (image-text.ts); test/unit/http/serialize.test.ts holds the text to the ImagePage codec.
 */
export const envelopeText = <T>(collectionUrl: string, page: Page<T>, itemText: (item: T) => string): string => {
  const link = (req: PageRequest | undefined) => (req ? JSON.stringify(pageUrl(collectionUrl, req)) : 'null')
  return `{"count":${page.count},"next":${link(page.next)},"previous":${link(page.previous)},"results":[${page.results.map(itemText).join(',')}]}`
}
