import * as O from 'fp-ts/Option'
import * as E from 'fp-ts/Either'
import type { TierRepository } from '../../application/ports/repositories'
import type { TierNameTaken, TierNotFound } from '../../domain/errors'
import type { Tier } from '../../domain/tier'
import { copy, sameText, task, type MemoryStore } from './store'

const notFound: TierNotFound = { _tag: 'TierNotFound' }

/** Ordered like the SQL one: by name ignoring case, then id. */
const byName = (a: Tier, b: Tier) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

export const memoryTierRepository = (s: MemoryStore): TierRepository => {
  const nameTaken = (tier: Tier): TierNameTaken | undefined =>
    [...s.tiers.values()].some((t) => t.id !== tier.id && sameText(t.name, tier.name)) ? { _tag: 'TierNameTaken', name: tier.name } : undefined
  return {
    list: (w) => task(() => E.right({ count: s.tiers.size, results: [...s.tiers.values()].sort(byName).slice(w.offset, w.offset + w.limit).map(copy) })),
    get: (id) => task(() => {
      const tier = s.tiers.get(id)
      return tier ? E.right(copy(tier)) : E.left(notFound)
    }),
    findByName: (name) => task(() => E.right(O.map(copy)(O.fromNullable([...s.tiers.values()].find((t) => sameText(t.name, name)))))),
    create: (tier) => task(() => {
      const taken = nameTaken(tier)
      if (taken) return E.left(taken)
      s.tiers.set(tier.id, copy(tier))
      return E.right(copy(tier))
    }),
    update: (tier) => task(() => {
      if (!s.tiers.has(tier.id)) return E.left(notFound)
      const taken = nameTaken(tier)
      if (taken) return E.left(taken)
      s.tiers.set(tier.id, copy(tier))
      return E.right(copy(tier))
    }),
    delete: (id) => task(() => {
      if (!s.tiers.has(id)) return E.left(notFound)
      const users = [...s.users.values()].filter((u) => u.tierId === id).length
      if (users > 0) return E.left({ _tag: 'TierInUse', users })
      s.tiers.delete(id)
      return E.right(undefined)
    }),
  }
}
