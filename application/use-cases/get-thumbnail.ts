import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import type { ImageNotFound, InvalidHeight, TierForbidsSize } from '../../domain/errors'
import { allowsHeight } from '../../domain/tier'
import { parseHeight } from '../../domain/variant'
import { deliverThumbnail, type Delivery } from '../delivery'
import { ownerRequest, type OwnerBytesCommand, type OwnerBytesDeps, type ServeError } from './get-original'

export interface GetThumbnailCommand extends OwnerBytesCommand {
  /** The raw height from the path: parsed here, after ownership and before the tier says which it allows. */
  readonly height: string
}

export type GetThumbnailError = ImageNotFound | TierForbidsSize | InvalidHeight | ServeError

/**
 * Checks run in DESIGN.md order: ownership (404), tier (403), then the input (400).
 * Plain steps over Either, not a pipe of TaskEither combinators: this is the cached
 * thumbnail's and the 304's whole path, where fp-ts's data-last wrappers showed in the profile.
 */
export const getThumbnail = (deps: OwnerBytesDeps) =>
  (cmd: GetThumbnailCommand): TE.TaskEither<GetThumbnailError, Delivery> =>
    async () => {
      const image = await deps.images.findOwned(cmd.ownerId, cmd.imageId)()
      if (E.isLeft(image)) return image
      const height = parseHeight(cmd.height)
      if (E.isLeft(height)) return height
      const allowed = allowsHeight(cmd.tier, height.right)
      if (E.isLeft(allowed)) return allowed
      return deliverThumbnail(deps, image.right, height.right, ownerRequest(cmd))()
    }
