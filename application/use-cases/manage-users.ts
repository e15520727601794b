import { pipe } from 'fp-ts/function'
import * as A from 'fp-ts/ReadonlyArray'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import type {
  CannotChangeOwnAccount, InfrastructureFailure, TierNotFound, UnknownTier, UserNotFound, UsernameTaken,
} from '../../domain/errors'
import type { Role, User } from '../../domain/user'
import type { Counted, ImageRepository, OffsetWindow, RefreshTokenRepository, TierRepository, UserRepository } from '../ports/repositories'
import type { Clock, IdGenerator } from '../ports/runtime'
import type { PasswordHasher } from '../ports/security'
import { purgeImage, type BlobsOfImages } from './delete-image'
import { revokeAllSessions } from './sessions'

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

export interface UpdateUserCommand {
  readonly tierId?: string
  readonly role?: Role
  readonly password?: string
  readonly active?: boolean
}

type UserDeps = { users: UserRepository; tiers: TierRepository; passwords: PasswordHasher; ids: IdGenerator; clock: Clock }

export const listUsers = (deps: { users: UserRepository }) =>
  (window: OffsetWindow): TE.TaskEither<InfrastructureFailure, Counted<User>> => deps.users.list(window)

export const getUser = (deps: { users: UserRepository }) =>
  (id: string): TE.TaskEither<UserNotFound | InfrastructureFailure, User> => deps.users.get(id)

/** A tierId in a request body that names no tier is the caller's mistake (400), not a missing resource. */
const unknownTier = (tierId: string) =>
  <E extends UsernameTaken | UserNotFound | InfrastructureFailure>(e: E | TierNotFound): E | UnknownTier =>
    e._tag === 'TierNotFound' ? { _tag: 'UnknownTier', tierId } : e

const defaultTierId = (tiers: TierRepository): TE.TaskEither<UnknownTier | InfrastructureFailure, string> =>
  pipe(
    tiers.findByName(DEFAULT_TIER_NAME),
    TE.chainW(O.match(() => TE.left<UnknownTier>({ _tag: 'UnknownTier', tierId: DEFAULT_TIER_NAME }), (t) => TE.right(t.id))),
  )

export const createUser = (deps: UserDeps) =>
  (cmd: CreateUserCommand): TE.TaskEither<UsernameTaken | UnknownTier | InfrastructureFailure, User> =>
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

/**
 * A tier move is one row write. A password change or a deactivation bumps the
 * session version and revokes refresh tokens: every session ends at once.
 * An admin may not demote or deactivate themself (nobody would be left to undo it).
 */
export const updateUser = (deps: UserDeps & { refreshTokens: RefreshTokenRepository }) =>
  (actorId: string, id: string, cmd: UpdateUserCommand): TE.TaskEither<
    UserNotFound | UsernameTaken | UnknownTier | CannotChangeOwnAccount | InfrastructureFailure,
    User
  > =>
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

/**
 * Removes the user with their images and sessions. Their images are marked first (gone
 * at once), then purged one by one; the user row goes last, so a failure leaves the
 * user to delete again and no blob behind.
 */
export const deleteUser = (deps: BlobsOfImages & { users: UserRepository; images: ImageRepository; clock: Clock }) =>
  (actorId: string, id: string): TE.TaskEither<UserNotFound | CannotChangeOwnAccount | InfrastructureFailure, void> =>
    id === actorId
      ? TE.left({ _tag: 'CannotChangeOwnAccount', reason: 'you cannot delete yourself' })
      : pipe(
          deps.users.get(id),
          TE.chainW(() => deps.images.markOwnerDeleting(id, deps.clock.now())),
          TE.chainW(() => deps.images.listIdsByOwner(id)),
          TE.chainW((imageIds) => pipe(imageIds, A.traverse(TE.ApplicativeSeq)((imageId) => purgeImage(deps, imageId)))),
          TE.chainW(() => deps.users.delete(id)),
        )
