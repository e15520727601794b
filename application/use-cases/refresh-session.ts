import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import type { InfrastructureFailure, RefreshTokenInvalid } from '../../domain/errors'
import type { RefreshTokenRecord, UserRepository } from '../ports/repositories'
import { startSession, type Session, type SessionDeps } from './sessions'

export type RefreshError = RefreshTokenInvalid | InfrastructureFailure

const invalid: RefreshTokenInvalid = { _tag: 'RefreshTokenInvalid' }

/**
 * How long a just-rotated token still answers with its successor instead of counting as
 * reuse: two tabs (or a retried request) refreshing with one token at the same moment
 * must not log their user out. Short, so a stolen token replayed later is still caught.
 */
export const REFRESH_REUSE_GRACE_MS = 5_000

/**
 * Rotates a refresh token: the presented one is spent and a new pair issued in the same
 * family. The successor is derived from the token (OpaqueTokens.successor), so every
 * rotation of one token names the same successor. Presenting a spent token after the
 * grace, or once its successor was spent too, means it leaked: the whole family dies.
 */
export const refreshSession = (deps: SessionDeps & { users: UserRepository }) =>
  (token: string): TE.TaskEither<RefreshError, Session> => {
    const now = deps.clock.now()
    const find = (digest: string) =>
      pipe(deps.refreshTokens.find(digest), TE.chainW(O.match(() => TE.left(invalid), (record) => TE.right(record))))
    const revokeFamily = (record: RefreshTokenRecord) =>
      pipe(deps.refreshTokens.revokeFamily(record.familyId, now), TE.chainW(() => TE.left(invalid)))
    const successor = deps.opaqueTokens.successor(token)

    /** A token already spent: within the grace its successor is handed out again, while that one is unspent. */
    const spent = (record: RefreshTokenRecord): TE.TaskEither<RefreshError, RefreshTokenRecord> => {
      const usedAt = record.usedAt?.getTime() ?? Number.NEGATIVE_INFINITY
      if (now.getTime() - usedAt > REFRESH_REUSE_GRACE_MS) return revokeFamily(record)
      return pipe(
        deps.refreshTokens.find(successor.digest),
        TE.chainW(O.match(
          // The winner has not written it yet: it is the same row, so writing it here is safe.
          () => TE.right(record),
          (next) => (next.usedAt || next.revokedAt ? revokeFamily(record) : TE.right(record)),
        )),
      )
    }

    return pipe(
      find(deps.opaqueTokens.digest(token)),
      TE.chainW((record) => {
        if (record.revokedAt || record.expiresAt <= now) return TE.left(invalid)
        if (record.usedAt) return spent(record)
        return pipe(
          deps.refreshTokens.markUsed(record.digest, now),
          // Lost a race with another use of the same token: judge it as that use left it.
          TE.chainW((won) => (won ? TE.right(record) : pipe(find(record.digest), TE.chainW((again) => (again.revokedAt ? TE.left(invalid) : spent(again)))))),
        )
      }),
      TE.chainW((record) =>
        pipe(
          deps.users.getWithTier(record.userId),
          TE.mapLeft((e): RefreshError => (e._tag === 'UserNotFound' ? invalid : e)),
          TE.filterOrElseW(({ user }) => user.active, () => invalid),
          TE.chainW(({ user, tier }) => startSession(deps, user, tier, record.familyId, successor)),
        ),
      ),
    )
  }
