import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import type { InfrastructureFailure, UnknownTier, UsernameTaken } from '../../domain/errors'
import type { TierRepository, UserRepository } from '../ports/repositories'
import type { Clock, IdGenerator } from '../ports/runtime'
import type { PasswordHasher } from '../ports/security'
import { createUser } from './create-user'

export const ADMIN_TIER_NAME = 'Enterprise'
export const DEFAULT_ADMIN_USERNAME = 'admin'

export type EnsureAdminResult =
  | { readonly _tag: 'Unchanged' }
  | { readonly _tag: 'Created'; readonly username: string; readonly generatedPassword?: string }
  | { readonly _tag: 'Updated'; readonly username: string }

type Deps = { users: UserRepository; tiers: TierRepository; passwords: PasswordHasher; ids: IdGenerator; clock: Clock }

/**
 * Start-up: with credentials configured, that admin exists, is active and has that
 * password. Without them, the first start creates `admin` with a random password
 * (the caller prints it once); later starts find an admin and do nothing.
 */
export const ensureAdmin = (deps: Deps & { randomPassword: () => string }) =>
  (configured: { username: string; password: string } | undefined): TE.TaskEither<UsernameTaken | UnknownTier | InfrastructureFailure, EnsureAdminResult> => {
    // Two instances starting at once may both try to create the admin: the loser looks again.
    const again = () => ensureAdminOnce(deps, configured)
    return pipe(again(), TE.orElse((e) => (e._tag === 'UsernameTaken' ? again() : TE.left(e))))
  }

const ensureAdminOnce = (
  deps: Deps & { randomPassword: () => string },
  configured: { username: string; password: string } | undefined,
): TE.TaskEither<UsernameTaken | UnknownTier | InfrastructureFailure, EnsureAdminResult> => {
  const adminTierId = pipe(deps.tiers.findByName(ADMIN_TIER_NAME), TE.map(O.map((t) => t.id)), TE.map(O.toUndefined))
  const create = (username: string, password: string, generated: boolean) =>
    pipe(
      adminTierId,
      TE.chainW((tierId) => createUser(deps)({ username, password, tierId, role: 'admin' })),
      TE.map((): EnsureAdminResult => ({ _tag: 'Created', username, ...(generated ? { generatedPassword: password } : {}) })),
    )
  if (configured === undefined) {
    return pipe(
      deps.users.anyAdmin(),
      TE.chainW((exists) => (exists ? TE.right<never, EnsureAdminResult>({ _tag: 'Unchanged' }) : create(DEFAULT_ADMIN_USERNAME, deps.randomPassword(), true))),
    )
  }
  return pipe(
    deps.users.findByUsername(configured.username),
    TE.chainW(O.match(
      () => create(configured.username, configured.password, false),
      (user) => pipe(
        TE.fromTask(deps.passwords.verify(configured.password, user.passwordHash)),
        TE.chainW((same) => {
          if (same && user.role === 'admin' && user.active) return TE.right<never, EnsureAdminResult>({ _tag: 'Unchanged' })
          return pipe(
            same ? TE.right(user.passwordHash) : TE.fromTask(deps.passwords.hash(configured.password)),
            TE.chainW((passwordHash) => deps.users.update({
              ...user, passwordHash, role: 'admin', active: true,
              sessionVersion: same ? user.sessionVersion : user.sessionVersion + 1,
            })),
            TE.map((): EnsureAdminResult => ({ _tag: 'Updated', username: user.username })),
            TE.mapLeft((e) => (e._tag === 'UserNotFound' || e._tag === 'TierNotFound' ? { _tag: 'InfrastructureFailure' as const, what: 'ensure admin', cause: e } : e)),
          )
        }),
      ),
    )),
  )
}
