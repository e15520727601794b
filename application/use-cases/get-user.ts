import type * as TE from 'fp-ts/TaskEither'
import type { InfrastructureFailure, UserNotFound } from '../../domain/errors'
import type { User } from '../../domain/user'
import type { UserRepository } from '../ports/repositories'

/** The user's id. */
export type GetUserCommand = string
export type GetUserError = UserNotFound | InfrastructureFailure

export const getUser = (deps: { users: UserRepository }) =>
  (id: GetUserCommand): TE.TaskEither<GetUserError, User> => deps.users.get(id)
