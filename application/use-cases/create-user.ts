import { pipe } from 'fp-ts/function'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import type { InfrastructureFailure, TierNotFound, UnknownTier, UserNotFound, UsernameTaken } from '../../domain/errors'
import type { Role, User } from '../../domain/user'
import type { TierRepository, UserRepository } from '../ports/repositories'
import type { Clock, IdGenerator } from '../ports/runtime'
import type { PasswordHasher } from '../ports/security'

export const DEFAULT_TIER_NAME = 'Basic'

export interface CreateUserCommand {
  readonly username: string
  readonly password: string
  /** Defaults to the tier named Basic. */
  readonly tierId?: string
  readonly role?: Role
  /** Defaults to true; an admin may create an account disabled until later. */
  readonly active?: boolean
}

export type CreateUserError = UsernameTaken | UnknownTier | InfrastructureFailure

export type UserDeps = { users: UserRepository; tiers: TierRepository; passwords: PasswordHasher; ids: IdGenerator; clock: Clock }

/** A tierId in a request body that names no tier is the caller's mistake (400), not a missing resource. */
export const unknownTier = (tierId: string) =>
  <E extends UsernameTaken | UserNotFound | InfrastructureFailure>(e: E | TierNotFound): E | UnknownTier =>
    e._tag === 'TierNotFound' ? { _tag: 'UnknownTier', tierId } : e

const defaultTierId = (tiers: TierRepository): TE.TaskEither<UnknownTier | InfrastructureFailure, string> =>
  pipe(
    tiers.findByName(DEFAULT_TIER_NAME),
    TE.chainW(O.match(() => TE.left<UnknownTier>({ _tag: 'UnknownTier', tierId: DEFAULT_TIER_NAME }), (t) => TE.right(t.id))),
  )

export const createUser = (deps: UserDeps) =>
  (cmd: CreateUserCommand): TE.TaskEither<CreateUserError, User> =>
    pipe(
      cmd.tierId !== undefined ? TE.right(cmd.tierId) : defaultTierId(deps.tiers),
      TE.bindTo('tierId'),
      TE.bindW('passwordHash', () => TE.fromTask(deps.passwords.hash(cmd.password))),
      TE.chainW(({ tierId, passwordHash }) =>
        pipe(
          deps.users.create({
            id: deps.ids.uuid(),
            username: cmd.username,
            passwordHash,
            tierId,
            role: cmd.role ?? 'user',
            active: cmd.active ?? true,
            sessionVersion: 1,
            createdAt: deps.clock.now(),
          }),
          TE.mapLeft(unknownTier(tierId)),
        ),
      ),
    )
