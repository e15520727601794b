import * as E from 'fp-ts/Either'
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
  (token: string): TE.TaskEither<Unauthorized | InfrastructureFailure, Principal> => {
    // Plain checks over Either rather than a pipe of TaskEither combinators: this runs on
    // every authenticated request, where fp-ts's data-last wrappers showed in the profile.
    const verified = deps.accessTokens.verify(token)
    if (E.isLeft(verified)) return TE.left(verified.left)
    const claims = verified.right
    return async () => {
      const found = await deps.users.getPrincipal(claims.userId, claims.sessionId)()
      if (E.isLeft(found)) return E.left(found.left._tag === 'UserNotFound' ? unauthorized('user no longer exists') : found.left)
      const { user, tier, sessionEnded } = found.right
      if (!user.active || user.sessionVersion !== claims.sessionVersion || sessionEnded) return E.left(unauthorized('session revoked'))
      return E.right({ user, tier, sessionId: claims.sessionId })
    }
  }

const unauthorized = (reason: string): Unauthorized => ({ _tag: 'Unauthorized', reason })
