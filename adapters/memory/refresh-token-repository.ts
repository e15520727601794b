import * as O from 'fp-ts/Option'
import * as E from 'fp-ts/Either'
import type { RefreshTokenRepository } from '../../application/ports/repositories'
import { copy, task, type MemoryStore } from './store'

export const memoryRefreshTokenRepository = (s: MemoryStore): RefreshTokenRepository => {
  const revokeWhere = (match: (userId: string, familyId: string) => boolean, at: Date) => task(() => {
    for (const [digest, t] of s.refreshTokens) {
      if (match(t.userId, t.familyId) && t.revokedAt === undefined) s.refreshTokens.set(digest, { ...t, revokedAt: new Date(at) })
    }
    return E.right<never, void>(undefined)
  })
  return {
    insert: (record) => task(() => {
      if (!s.users.has(record.userId)) return E.left({ _tag: 'InfrastructureFailure', what: 'insert refresh token', cause: new Error('unknown user') })
      // The first record of a digest stays: concurrent rotations derive one successor.
      if (!s.refreshTokens.has(record.digest)) s.refreshTokens.set(record.digest, copy(record))
      return E.right(undefined)
    }),
    find: (digest) => task(() => E.right(O.map(copy)(O.fromNullable(s.refreshTokens.get(digest))))),
    // Synchronous between read and write: one of many concurrent uses wins, as with SQL's conditional update.
    markUsed: (digest, at) => task(() => {
      const t = s.refreshTokens.get(digest)
      if (!t || t.usedAt !== undefined || t.revokedAt !== undefined) return E.right(false)
      s.refreshTokens.set(digest, { ...t, usedAt: new Date(at) })
      return E.right(true)
    }),
    revokeFamily: (familyId, at) => revokeWhere((_, f) => f === familyId, at),
    revokeAllForUser: (userId, at) => revokeWhere((u) => u === userId, at),
  }
}
