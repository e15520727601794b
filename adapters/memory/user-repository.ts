import * as O from 'fp-ts/Option'
import * as E from 'fp-ts/Either'
import type { UserRepository } from '../../application/ports/repositories'
import type { TierNotFound, UserNotFound, UsernameTaken } from '../../domain/errors'
import type { User } from '../../domain/user'
import { copy, sameText, task, type MemoryStore } from './store'

const notFound: UserNotFound = { _tag: 'UserNotFound' }
const tierNotFound: TierNotFound = { _tag: 'TierNotFound' }

/** Oldest first, like the SQL one. */
const byCreation = (a: User, b: User) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

export const memoryUserRepository = (s: MemoryStore): UserRepository => {
  const refused = (user: User): UsernameTaken | TierNotFound | undefined => {
    if ([...s.users.values()].some((u) => u.id !== user.id && sameText(u.username, user.username))) return { _tag: 'UsernameTaken', username: user.username }
    return s.tiers.has(user.tierId) ? undefined : tierNotFound
  }
  const withTier = (id: string) => {
    const user = s.users.get(id)
    const tier = user && s.tiers.get(user.tierId)
    return user && tier ? { user: copy(user), tier: copy(tier) } : undefined
  }
  return {
    list: (w) => task(() => E.right({ count: s.users.size, results: [...s.users.values()].sort(byCreation).slice(w.offset, w.offset + w.limit).map(copy) })),
    get: (id) => task(() => {
      const user = s.users.get(id)
      return user ? E.right(copy(user)) : E.left(notFound)
    }),
    getWithTier: (id) => task(() => {
      const found = withTier(id)
      return found ? E.right(found) : E.left(notFound)
    }),
    getPrincipal: (id, sessionId) => task(() => {
      const found = withTier(id)
      if (!found) return E.left(notFound)
      const sessionEnded = [...s.refreshTokens.values()].some((t) => t.familyId === sessionId && t.revokedAt !== undefined)
      return E.right({ ...found, sessionEnded })
    }),
    findByUsername: (username) => task(() => E.right(O.map(copy)(O.fromNullable([...s.users.values()].find((u) => sameText(u.username, username)))))),
    anyAdmin: () => task(() => E.right([...s.users.values()].some((u) => u.role === 'admin'))),
    create: (user) => task(() => {
      const refusal = refused(user)
      if (refusal) return E.left(refusal)
      s.users.set(user.id, copy(user))
      return E.right(copy(user))
    }),
    update: (user) => task(() => {
      if (!s.users.has(user.id)) return E.left(notFound)
      const refusal = refused(user)
      if (refusal) return E.left(refusal)
      s.users.set(user.id, copy(user))
      return E.right(copy(user))
    }),
    delete: (id) => task(() => {
      if (!s.users.delete(id)) return E.left(notFound)
      // What the foreign keys' ON DELETE CASCADE does in SQL.
      for (const [imageId, row] of s.images) {
        if (row.image.ownerId !== id) continue
        s.images.delete(imageId)
        forgetClaims(s, imageId)
      }
      for (const [digest, token] of s.refreshTokens) if (token.userId === id) s.refreshTokens.delete(digest)
      return E.right(undefined)
    }),
  }
}

export const forgetClaims = (s: MemoryStore, imageId: string): void => {
  for (const key of s.claims.keys()) if (key.startsWith(`${imageId}:`)) s.claims.delete(key)
}
