import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import type { InfrastructureFailure } from '../../domain/errors'
import type { SessionDeps } from './sessions'

export type EndSessionError = InfrastructureFailure

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
  (cmd: EndSessionCommand): TE.TaskEither<EndSessionError, void> => {
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
