import { pipe } from 'fp-ts/function'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import type { InfrastructureFailure, InvalidCursor } from '../../domain/errors'
import type { Image } from '../../domain/image'
import { keysetPositionFromText, keysetPositionToText, LIMIT_DEFAULT, offsetPage, type Page } from '../../domain/page'
import type { ImageCursor, ImageRepository } from '../ports/repositories'
import type { CursorSealer } from '../ports/security'

export interface ListImagesCommand {
  readonly ownerId: string
  readonly limit?: number
  readonly offset?: number
  readonly cursor?: string
}

/**
 * Newest first. With `offset` (or nothing) pages are offset windows; with `cursor`
 * they are keyset pages that stay stable while images are added or deleted.
 */
export const listImages = (deps: { images: ImageRepository; cursors: CursorSealer }) =>
  (cmd: ListImagesCommand): TE.TaskEither<InvalidCursor | InfrastructureFailure, Page<Image>> => {
    const limit = cmd.limit ?? LIMIT_DEFAULT
    if (cmd.cursor !== undefined) {
      return pipe(
        TE.fromEither(decodeCursor(deps.cursors, cmd.cursor)),
        TE.chainW((at) =>
          pipe(
            deps.images.listByOwnerKeyset(cmd.ownerId, { limit, [at.direction]: at.position }),
            TE.map((found) => keysetPage(deps.cursors, found, limit, at)),
          ),
        ),
      )
    }
    const offset = cmd.offset ?? 0
    return pipe(
      deps.images.listByOwner(cmd.ownerId, { limit, offset }),
      TE.map((found) => offsetPage(found, limit, offset)),
    )
  }

/** The first keyset page: what `GET /images?cursor=` with an empty cursor asks for. */
export const FIRST_PAGE_CURSOR = ''

type Direction = 'after' | 'before'
/** Where a keyset page starts; no position means the newest image (the first page). */
type KeysetStart = { readonly direction: Direction; readonly position?: ImageCursor }

const keysetPage = (
  cursors: CursorSealer,
  found: { count: number; results: readonly Image[]; hasMore: boolean },
  limit: number,
  at: KeysetStart,
): Page<Image> => {
  const { results, hasMore, count } = found
  const first = results[0]
  const last = results[results.length - 1]
  // Walking forward, hasMore speaks of older images; walking back, of newer ones.
  const olderExist = at.direction === 'after' ? hasMore : true
  const newerExist = at.direction === 'before' ? hasMore : at.position !== undefined
  return {
    count,
    results,
    next: olderExist && last ? { limit, cursor: encodeCursor(cursors, 'after', last) } : undefined,
    previous: newerExist && first ? { limit, cursor: encodeCursor(cursors, 'before', first) } : undefined,
  }
}

/** Opaque to clients and sealed, so a client can hand back only positions it was given. */
const encodeCursor = (cursors: CursorSealer, direction: Direction, image: Pick<Image, 'createdAt' | 'id'>): string =>
  cursors.seal(keysetPositionToText({ direction, createdAt: image.createdAt, id: image.id }))

const decodeCursor = (cursors: CursorSealer, raw: string): E.Either<InvalidCursor, KeysetStart> => {
  if (raw === FIRST_PAGE_CURSOR) return E.right({ direction: 'after' })
  return pipe(
    cursors.open(raw),
    O.chain(keysetPositionFromText),
    O.map(({ direction, createdAt, id }): KeysetStart => ({ direction, position: { createdAt, id } })),
    E.fromOption((): InvalidCursor => ({ _tag: 'InvalidCursor' })),
  )
}
