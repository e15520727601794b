import { LRUCache } from 'lru-cache'
import type { Image } from '../../domain/image'
import { linkSettingsKey } from '../../domain/links'
import type { Tier } from '../../domain/tier'
import { imageJson } from './serialize'

/** About 5 000 images' texts (~800 characters each with every link a tier can give). */
const MAX_CHARS = 4_000_000

/**
 * An image's JSON text, made once per image and tier link settings. An image never changes
 * once stored (no route edits one: one that did would have to evict its texts here; a
 * deleted one leaves every list) and its links are a pure function of it and its owner's
 * tier's link settings, so a list page joins cached strings.
 * Building and stringifying a page's objects was ~30 % of a list request's CPU (profiled).
 * A tier edit changes the key, so it shows on the next request; old texts age out.
 */
export const imageTextMemo = (baseUrl: string, maxChars = MAX_CHARS) => {
  const texts = new LRUCache<string, string>({ maxSize: maxChars, sizeCalculation: (text) => Math.max(1, text.length) })
  return (tier: Tier) => {
    const settings = linkSettingsKey(tier)
    return (image: Image): string => {
      const key = `${image.id} ${settings}`
      let text = texts.get(key)
      if (text === undefined) texts.set(key, (text = JSON.stringify(imageJson(baseUrl, image, tier))))
      return text
    }
  }
}
