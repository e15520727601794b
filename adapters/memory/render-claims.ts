import * as E from 'fp-ts/Either'
import type { RenderClaims } from '../../application/ports/repositories'
import type { Clock } from '../../application/ports/runtime'
import { isUuid } from '../../domain/ids'
import { task, type MemoryStore } from './store'

const systemTime: Clock = { now: () => new Date() }

/**
 * Claims live beside the images they name: deleting an image forgets them (image-repository.ts).
 * `clock` is this store's clock, as the database's is for the real adapter (tests move it).
 */
export const memoryRenderClaims = (s: MemoryStore, clock: Clock = systemTime): RenderClaims => {
  const expiresIn = (ms: number) => new Date(clock.now().getTime() + Math.max(0, Math.round(ms)))
  const expired = (until: Date) => until.getTime() < clock.now().getTime()
  return {
    claim: (imageId, height, ttlMs) => task(() => {
      if (!isUuid(imageId)) return E.right(false)
      const key = `${imageId}:${height}`
      const held = s.claims.get(key)
      if (held !== undefined && !expired(held)) return E.right(false)
      s.claims.set(key, expiresIn(ttlMs))
      return E.right(true)
    }),
    renew: (imageId, height, ttlMs) => task(() => {
      const key = `${imageId}:${height}`
      if (s.claims.has(key)) s.claims.set(key, expiresIn(ttlMs))
      return E.right(undefined)
    }),
    release: (imageId, height) => task(() => {
      s.claims.delete(`${imageId}:${height}`)
      return E.right(undefined)
    }),
    clear: (which) => task(() => {
      let n = 0
      for (const [key, until] of s.claims) {
        if (which === 'all' || expired(until)) {
          s.claims.delete(key)
          n++
        }
      }
      return E.right(n)
    }),
  }
}
