import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import type { CannotChangeOwnAccount, InfrastructureFailure, UnknownTier, UserNotFound, UsernameTaken } from '../../domain/errors'
import type { Role, User } from '../../domain/user'
import type { RefreshTokenRepository } from '../ports/repositories'
import { unknownTier, type UserDeps } from './create-user'
import { revokeAllSessions } from './sessions'

export interface UpdateUserCommand {
  readonly tierId?: string
  readonly role?: Role
  readonly password?: string
  readonly active?: boolean
}

export type UpdateUserError = UserNotFound | UsernameTaken | UnknownTier | CannotChangeOwnAccount | InfrastructureFailure

/**
 * A tier move is one row write. A password change or a deactivation bumps the
 * session version and revokes refresh tokens: every session ends at once.
 * An admin may not demote or deactivate themself (nobody would be left to undo it).
 */
export const updateUser = (deps: UserDeps & { refreshTokens: RefreshTokenRepository }) =>
  (actorId: string, id: string, cmd: UpdateUserCommand): TE.TaskEither<UpdateUserError, User> =>
    pipe(
      deps.users.get(id),
      TE.filterOrElseW(
        (user) => user.id !== actorId || ((cmd.role === undefined || cmd.role === user.role) && cmd.active !== false),
        (): CannotChangeOwnAccount => ({ _tag: 'CannotChangeOwnAccount', reason: 'you cannot change your own role or deactivate yourself' }),
      ),
      TE.bindTo('user'),
      TE.bindW('passwordHash', ({ user }) =>
        cmd.password === undefined ? TE.right(user.passwordHash) : TE.fromTask(deps.passwords.hash(cmd.password))),
      TE.chainW(({ user, passwordHash }) => {
        const endsSessions = cmd.password !== undefined || (cmd.active === false && user.active)
        const next: User = {
          ...user,
          tierId: cmd.tierId ?? user.tierId,
          role: cmd.role ?? user.role,
          active: cmd.active ?? user.active,
          passwordHash,
          sessionVersion: endsSessions ? user.sessionVersion + 1 : user.sessionVersion,
        }
        return pipe(
          deps.users.update(next),
          TE.mapLeft(unknownTier(next.tierId)),
          TE.chainFirstW(() => (endsSessions ? revokeAllSessions(deps, user.id) : TE.right(undefined))),
        )
      }),
    )
