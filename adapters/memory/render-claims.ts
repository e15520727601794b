import * as E from 'fp-ts/Either'
import type { RenderClaims } from '../../application/ports/repositories'
import { isUuid } from '../../domain/ids'
import { task, type MemoryStore } from './store'

/** Claims live beside the images they name: deleting an image forgets them (image-repository.ts). */
export const memoryRenderClaims = (s: MemoryStore): RenderClaims => ({
  claim: (imageId, height, now, staleBefore) => task(() => {
    if (!isUuid(imageId)) return E.right(false)
    const key = `${imageId}:${height}`
    const held = s.claims.get(key)
    if (held !== undefined && held.getTime() >= staleBefore.getTime()) return E.right(false)
    s.claims.set(key, new Date(now))
    return E.right(true)
  }),
  release: (imageId, height) => task(() => {
    s.claims.delete(`${imageId}:${height}`)
    return E.right(undefined)
  }),
})
