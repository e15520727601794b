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

export interface EndSessionCommand {
  /** The caller, as the access token proved. */
  readonly userId: string
  /** The caller's own session (the refresh family its access token carries). */
  readonly sessionId: string
  /** A refresh token sent along (body or cookie), if any. */
  readonly refreshToken?: string
}

/**
 * Logout: the caller's own session ends (its access token and every refresh token of
 * its family), whatever else was sent. A refresh token sent along ends its family too,
 * but only when it is the caller's own: another user's token is ignored, so nobody can
 * log someone else out with a token they picked up. Idempotent.
 */
export const endSession = (deps: Pick<SessionDeps, 'opaqueTokens' | 'refreshTokens' | 'clock'>) =>
  (cmd: EndSessionCommand): TE.TaskEither<InfrastructureFailure, void> => {
    const now = deps.clock.now()
    const alsoEnd = (refreshToken: string) =>
      pipe(
        deps.refreshTokens.find(deps.opaqueTokens.digest(refreshToken)),
        TE.chain(O.match(
          () => TE.right(undefined),
          (record) => (record.userId === cmd.userId && record.familyId !== cmd.sessionId ? deps.refreshTokens.revokeFamily(record.familyId, now) : TE.right(undefined)),
        )),
      )
    return pipe(
      deps.refreshTokens.revokeFamily(cmd.sessionId, now),
      TE.chain(() => (cmd.refreshToken === undefined ? TE.right(undefined) : alsoEnd(cmd.refreshToken))),
    )
  }

/** Ends every session of a user at once (password change, deactivation). */
export const revokeAllSessions = (deps: Pick<SessionDeps, 'refreshTokens' | 'clock'>, userId: string) =>
  deps.refreshTokens.revokeAllForUser(userId, deps.clock.now())

