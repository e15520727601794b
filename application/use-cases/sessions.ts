import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import type { InfrastructureFailure } from '../../domain/errors'
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

/** Issues an access token and a refresh token in `familyId` (a new login starts a family). */
export const startSession = (deps: SessionDeps, user: User, tier: Tier, familyId = deps.ids.uuid()) => {
  const now = deps.clock.now()
  const refresh = deps.opaqueTokens.generate()
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

/** Logout: the refresh token (and its family) stops working. Idempotent. */
export const endSession = (deps: Pick<SessionDeps, 'opaqueTokens' | 'refreshTokens' | 'clock'>) =>
  (refreshToken: string | undefined): TE.TaskEither<InfrastructureFailure, void> =>
    refreshToken === undefined
      ? TE.right(undefined)
      : pipe(
          deps.refreshTokens.find(deps.opaqueTokens.digest(refreshToken)),
          TE.chain(O.match(() => TE.right(undefined), (record) => deps.refreshTokens.revokeFamily(record.familyId, deps.clock.now()))),
        )

/** Ends every session of a user at once (password change, deactivation). */
export const revokeAllSessions = (deps: Pick<SessionDeps, 'refreshTokens' | 'clock'>, userId: string) =>
  deps.refreshTokens.revokeAllForUser(userId, deps.clock.now())

