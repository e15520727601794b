import { pipe } from 'fp-ts/function'
import * as E from 'fp-ts/Either'
import * as TE from 'fp-ts/TaskEither'
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

/** Checks run in DESIGN.md order: ownership (404), tier (403), then the input (400). */
export const getThumbnail = (deps: OwnerBytesDeps) =>
  (cmd: GetThumbnailCommand): TE.TaskEither<GetThumbnailError, Delivery> =>
    pipe(
      deps.images.findOwned(cmd.ownerId, cmd.imageId),
      TE.chainEitherKW((image) =>
        pipe(parseHeight(cmd.height), E.chainFirstW((height) => allowsHeight(cmd.tier, height)), E.map((height) => ({ image, height }))),
      ),
      TE.chainW(({ image, height }) => deliverThumbnail(deps, image, height, ownerRequest(cmd))),
    )
