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
  const self = `${baseUrl.replace(/\/+$/, '')}/images/${image.id}`
  const byHeight = (suffix: string) =>
    Object.fromEntries(tier.thumbnailHeights.map((h) => [String(h), `${self}/thumbnails/${h}${suffix}`]))
  return {
    thumbnails: byHeight(''),
    ...(tier.originalLink ? { original: `${self}/original` } : {}),
    ...(tier.expiringLinks
      ? {
          expiringLinks: {
            thumbnails: byHeight('/expiring-links'),
            ...(tier.originalLink ? { original: `${self}/original/expiring-links` } : {}),
          },
        }
      : {}),
  }
}
