import { pipe } from 'fp-ts/function'
import * as A from 'fp-ts/ReadonlyArray'
import * as TE from 'fp-ts/TaskEither'
import type { CannotChangeOwnAccount, InfrastructureFailure, UserNotFound } from '../../domain/errors'
import type { ImageRepository, UserRepository } from '../ports/repositories'
import type { Clock } from '../ports/runtime'
import { purgeImage, type BlobsOfImages } from './delete-image'

export type DeleteUserError = UserNotFound | CannotChangeOwnAccount | InfrastructureFailure

/**
 * Removes the user with their images and sessions. Their images are marked first (gone
 * at once), then purged one by one; the user row goes last, so a failure leaves the
 * user to delete again and no blob behind.
 */
export const deleteUser = (deps: BlobsOfImages & { users: UserRepository; images: ImageRepository; clock: Clock }) =>
  (actorId: string, id: string): TE.TaskEither<DeleteUserError, void> =>
    id === actorId
      ? TE.left({ _tag: 'CannotChangeOwnAccount', reason: 'you cannot delete yourself' })
      : pipe(
          deps.users.get(id),
          TE.chainW(() => deps.images.markOwnerDeleting(id, deps.clock.now())),
          TE.chainW(() => deps.images.listIdsByOwner(id)),
          TE.chainW((imageIds) => pipe(imageIds, A.traverse(TE.ApplicativeSeq)((imageId) => purgeImage(deps, imageId)))),
          TE.chainW(() => deps.users.delete(id)),
        )
