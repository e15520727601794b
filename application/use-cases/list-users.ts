import type * as TE from 'fp-ts/TaskEither'
import type { InfrastructureFailure } from '../../domain/errors'
import type { User } from '../../domain/user'
import type { Counted, OffsetWindow, UserRepository } from '../ports/repositories'

export type ListUsersCommand = OffsetWindow
export type ListUsersError = InfrastructureFailure

/** Oldest first. */
export const listUsers = (deps: { users: UserRepository }) =>
  (window: ListUsersCommand): TE.TaskEither<ListUsersError, Counted<User>> => deps.users.list(window)
