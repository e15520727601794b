import type * as TE from 'fp-ts/TaskEither'
import type { ImageNotFound, InfrastructureFailure } from '../../domain/errors'
import type { Image } from '../../domain/image'
import type { ImageRepository } from '../ports/repositories'

/** Another user's image is not found, exactly like a missing one. */
export const getImage = (deps: { images: ImageRepository }) =>
  (cmd: { ownerId: string; imageId: string }): TE.TaskEither<ImageNotFound | InfrastructureFailure, Image> =>
    deps.images.findOwned(cmd.ownerId, cmd.imageId)
