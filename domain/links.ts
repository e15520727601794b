import type { Image } from './image'
import type { Tier } from './tier'

export interface ImageLinks {
  readonly thumbnails: Readonly<Record<string, string>>
  readonly original?: string
  readonly expiringLinks?: {
    readonly thumbnails: Readonly<Record<string, string>>
    readonly original?: string
  }
}

/**
 * An image's links: a pure function of the image and its owner's *current* tier.
 * Never stored, so a tier edit takes effect on the next request. Keys a tier does
 * not allow are absent (not null).
 */
export const imageLinks = (baseUrl: string, image: Pick<Image, 'id'>, tier: Tier): ImageLinks => {
  // A base given with a trailing slash ('https://x/img/') must not produce '//images'.
  const self = `${baseUrl.endsWith('/') ? baseUrl.replace(/\/+$/, '') : baseUrl}/images/${image.id}`
  return {
    thumbnails: byHeight(tier, `${self}/thumbnails/`, ''),
    ...(tier.originalLink ? { original: `${self}/original` } : {}),
    ...(tier.expiringLinks
      ? {
          expiringLinks: {
            thumbnails: byHeight(tier, `${self}/thumbnails/`, '/expiring-links'),
            ...(tier.originalLink ? { original: `${self}/original/expiring-links` } : {}),
          },
        }
      : {}),
  }
}

/**
 * Everything `imageLinks` reads of a tier, as one string: two tiers with the same key give
 * every image the same links (what a cache of serialized images is keyed by).
 */
export const linkSettingsKey = (tier: Pick<Tier, 'thumbnailHeights' | 'originalLink' | 'expiringLinks'>): string =>
  `${tier.thumbnailHeights.join(',')}|${tier.originalLink ? 'original' : ''}|${tier.expiringLinks ? 'expiring' : ''}`

/** One URL per height the tier allows, keyed by the height (a loop: a list page makes 40 of these). */
const byHeight = (tier: Tier, prefix: string, suffix: string): Record<string, string> => {
  const urls: Record<string, string> = {}
  for (const h of tier.thumbnailHeights) urls[String(h)] = `${prefix}${h}${suffix}`
  return urls
}
