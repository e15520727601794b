import type { Clock } from '../../application/ports/runtime'
import { BUILT_IN_TIERS, type Tier } from '../../domain/tier'
import { memoryImageRepository } from './image-repository'
import { memoryRefreshTokenRepository } from './refresh-token-repository'
import { memoryRenderClaims } from './render-claims'
import { emptyMemoryStore, type MemoryStore } from './store'
import { memoryTierRepository } from './tier-repository'
import { memoryUserRepository } from './user-repository'

/**
 * The five repositories over one in-memory store, seeded like a migrated database with
 * the built-in tiers (ids from `tierId`, random by default). Claims expire by `clock`
 * (the system's by default), as claims in a database expire by its clock.
 */
export const memoryRepositories = (opts: { readonly tierId?: (name: string) => string; readonly clock?: Clock } = {}) => {
  const store: MemoryStore = emptyMemoryStore()
  for (const draft of BUILT_IN_TIERS) {
    const tier: Tier = { ...draft, id: opts.tierId?.(draft.name) ?? crypto.randomUUID() }
    store.tiers.set(tier.id, tier)
  }
  return {
    store,
    tiers: memoryTierRepository(store),
    users: memoryUserRepository(store),
    images: memoryImageRepository(store),
    refreshTokens: memoryRefreshTokenRepository(store),
    claims: memoryRenderClaims(store, opts.clock),
  }
}

export type MemoryRepositories = ReturnType<typeof memoryRepositories>
