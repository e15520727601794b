import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import type { Tier } from '../../domain/tier'
import type { User } from '../../domain/user'
import type { RefreshTokenRepository } from '../ports/repositories'
import type { Clock, IdGenerator } from '../ports/runtime'
import type { AccessTokens, OpaqueTokens } from '../ports/security'

export interface Session {
  readonly accessToken: string
  readonly expiresIn: number
  readonly refreshToken: string
  readonly refreshExpiresIn: number
  readonly user: User
  readonly tier: Tier
}

export interface SessionDeps {
  readonly accessTokens: AccessTokens
  readonly opaqueTokens: OpaqueTokens
  readonly refreshTokens: RefreshTokenRepository
  readonly clock: Clock
  readonly ids: IdGenerator
  readonly refreshTtlSeconds: number
}

/**
 * Issues an access token and a refresh token in `familyId` (a new login starts a family
 * with a random token; a rotation passes the derived successor).
 */
export const startSession = (deps: SessionDeps, user: User, tier: Tier, familyId = deps.ids.uuid(), refresh = deps.opaqueTokens.generate()) => {
  const now = deps.clock.now()
  const access = deps.accessTokens.issue({ userId: user.id, role: user.role, sessionVersion: user.sessionVersion, sessionId: familyId })
  return pipe(
    deps.refreshTokens.insert({
      digest: refresh.digest,
      userId: user.id,
      familyId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + deps.refreshTtlSeconds * 1000),
    }),
    TE.map((): Session => ({
      accessToken: access.token,
      expiresIn: access.expiresIn,
      refreshToken: refresh.token,
      refreshExpiresIn: deps.refreshTtlSeconds,
      user,
      tier,
    })),
  )
}

/** Ends every session of a user at once (password change, deactivation). */
export const revokeAllSessions = (deps: Pick<SessionDeps, 'refreshTokens' | 'clock'>, userId: string) =>
  deps.refreshTokens.revokeAllForUser(userId, deps.clock.now())

