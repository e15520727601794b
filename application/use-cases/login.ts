import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import { isStorableText } from '../../domain/codecs'
import type { InfrastructureFailure, InvalidCredentials } from '../../domain/errors'
import type { UserRepository } from '../ports/repositories'
import type { PasswordHasher } from '../ports/security'
import { startSession, type Session, type SessionDeps } from './sessions'

export interface LoginCommand { readonly username: string; readonly password: string }

export type LoginError = InvalidCredentials | InfrastructureFailure

const invalid: InvalidCredentials = { _tag: 'InvalidCredentials' }

export const login = (deps: SessionDeps & { users: UserRepository; passwords: PasswordHasher }) => {
  // Unknown usernames still pay for one hash check, so timing does not reveal which exist.
  let decoy: Promise<string> | undefined
  const decoyHash = () => (decoy ??= deps.passwords.hash('imgtier-decoy-password')())

  return (cmd: LoginCommand): TE.TaskEither<LoginError, Session> =>
    // No stored username or password holds U+0000 or a lone surrogate (the edge refuses
    // them): such credentials match nobody, and must not reach the database.
    !isStorableText(cmd.username) || !isStorableText(cmd.password) ? TE.left(invalid) : pipe(
      deps.users.findByUsername(cmd.username),
      TE.chainW(O.match(
        () => pipe(() => decoyHash().then((h) => deps.passwords.verify(cmd.password, h)()), TE.fromTask, TE.chainW(() => TE.left(invalid))),
        (user) => pipe(
          TE.fromTask(deps.passwords.verify(cmd.password, user.passwordHash)),
          TE.filterOrElseW((ok) => ok && user.active, () => invalid),
          TE.map(() => user),
        ),
      )),
      TE.chainW((user) => deps.users.getWithTier(user.id)),
      TE.mapLeft((e): LoginError => (e._tag === 'UserNotFound' ? invalid : e)),
      TE.chainW(({ user, tier }) => startSession(deps, user, tier)),
    )
}
