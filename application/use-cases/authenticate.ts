import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import type { InfrastructureFailure, Unauthorized } from '../../domain/errors'
import type { Tier } from '../../domain/tier'
import type { User } from '../../domain/user'
import type { UserRepository } from '../ports/repositories'
import type { AccessTokens } from '../ports/security'

export interface Principal {
  readonly user: User
  /** The owner's tier as it is now: links and permissions follow it on the next request. */
  readonly tier: Tier
  /** The login session (refresh-token family) the access token belongs to: what a logout ends. */
  readonly sessionId: string
}

/**
 * Who is calling. The user, their tier and the token's login session are read together
 * (one joined query, or the instance's principal cache, which every write to them
 * invalidates: adapters/cache), so a tier move, a role change, a deactivation or a
 * password change applies on the next request; and a logout (or a detected refresh-token
 * reuse) ends the access token too, not only its refresh token.
 */
export const authenticate = (deps: { users: UserRepository; accessTokens: AccessTokens }) =>
  (token: string): TE.TaskEither<Unauthorized | InfrastructureFailure, Principal> =>
    pipe(
      TE.fromEither(deps.accessTokens.verify(token)),
      TE.chainW((claims) =>
        pipe(
          deps.users.getPrincipal(claims.userId, claims.sessionId),
          TE.mapLeft((e) => (e._tag === 'UserNotFound' ? unauthorized('user no longer exists') : e)),
          TE.filterOrElseW(
            ({ user, sessionEnded }) => user.active && user.sessionVersion === claims.sessionVersion && !sessionEnded,
            () => unauthorized('session revoked'),
          ),
          TE.map(({ user, tier }) => ({ user, tier, sessionId: claims.sessionId })),
        ),
      ),
    )

const unauthorized = (reason: string): Unauthorized => ({ _tag: 'Unauthorized', reason })
