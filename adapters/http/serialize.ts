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

/** The one collection envelope: {count, next, previous, results} with absolute URLs or null. */
export const envelope = <T, J>(collectionUrl: string, page: Page<T>, toJson: (item: T) => J) => ({
  count: page.count,
  next: page.next ? pageUrl(collectionUrl, page.next) : null,
  previous: page.previous ? pageUrl(collectionUrl, page.previous) : null,
  results: page.results.map(toJson),
})
