import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import type { InfrastructureFailure, RefreshTokenInvalid } from '../../domain/errors'
import type { RefreshTokenRecord, UserRepository } from '../ports/repositories'
import { startSession, type Session, type SessionDeps } from './sessions'

export type RefreshError = RefreshTokenInvalid | InfrastructureFailure

const invalid: RefreshTokenInvalid = { _tag: 'RefreshTokenInvalid' }

/**
 * Rotates a refresh token: the presented one is spent and a new pair issued in the
 * same family. Presenting a spent token means it leaked: the whole family dies.
 */
export const refreshSession = (deps: SessionDeps & { users: UserRepository }) =>
  (token: string): TE.TaskEither<RefreshError, Session> => {
    const now = deps.clock.now()
    const revokeFamily = (record: RefreshTokenRecord) =>
      pipe(deps.refreshTokens.revokeFamily(record.familyId, now), TE.chainW(() => TE.left(invalid)))
    return pipe(
      deps.refreshTokens.find(deps.opaqueTokens.digest(token)),
      TE.chainW(O.match(() => TE.left(invalid), (record) => TE.right(record))),
      TE.chainW((record) => {
        if (record.revokedAt || record.expiresAt <= now) return TE.left(invalid)
        if (record.usedAt) return revokeFamily(record)
        return pipe(
          deps.refreshTokens.markUsed(record.digest, now),
          // Lost a race with another use of the same token: that is reuse too.
          TE.chainW((won) => (won ? TE.right(record) : revokeFamily(record))),
        )
      }),
      TE.chainW((record) =>
        pipe(
          deps.users.getWithTier(record.userId),
          TE.mapLeft((e): RefreshError => (e._tag === 'UserNotFound' ? invalid : e)),
          TE.filterOrElseW(({ user }) => user.active, () => invalid),
          TE.chainW(({ user, tier }) => startSession(deps, user, tier, record.familyId)),
        ),
      ),
    )
  }
