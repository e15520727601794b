import * as TE from 'fp-ts/TaskEither'
import { pipe } from 'fp-ts/function'
import type { Knex } from 'knex'
import type { ImageRepository, KeysetWindow } from '../../application/ports/repositories'
import type { ImageNotFound } from '../../domain/errors'
import { isUuid } from '../../domain/ids'
import type { Image } from '../../domain/image'
import { imageFromRow, imageToRow, type ImageColumns } from './mappers'
import { ImageRow } from './models'
import { affectedRows, RowShapeError, toNumber } from './rows'
import { run } from './run'

const notFound: ImageNotFound = { _tag: 'ImageNotFound' }

const NEWEST_FIRST = [{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }] as const
const OLDEST_FIRST = [{ column: 'created_at', order: 'asc' }, { column: 'id', order: 'asc' }] as const

const found = (row: ImageColumns | undefined): TE.TaskEither<ImageNotFound, Image> =>
  row === undefined ? TE.left(notFound) : TE.right(imageFromRow(row))

/** What an Image is made of: the hot reads fetch these and no more (not the deletion mark). */
const IMAGE_COLUMNS = ['id', 'owner_id', 'name', 'format', 'width', 'height', 'bytes', 'sha256', 'created_at'] as const

/**
 * The first-page listing (`GET /images`, offset 0 unless asked), written once: building it
 * with knex compiled the same SQL on every request, a visible share of a list page's CPU
 * (profiled). Same plan as before (the explain test holds it): the listing index, and the
 * count as a primary-key lookup in the same round trip.
 */
const LIST_PAGE_SQL =
  `select ${IMAGE_COLUMNS.map((c) => `"${c}"`).join(', ')}, (select "live" from "image_counts" where "owner_id" = ?) as "total"` +
  ' from "images" where "deleting_since" is null and "owner_id" = ? order by "created_at" desc, "id" desc limit ? offset ?'

/** The rows of a raw select, as both drivers answer it (`{ rows }`). */
const rowsOf = (result: unknown): (ImageColumns & { readonly total?: unknown })[] => {
  if (typeof result === 'object' && result !== null && 'rows' in result && Array.isArray(result.rows)) return result.rows
  throw new RowShapeError('raw select result', result)
}

export const objectionImageRepository = (knex: Knex): ImageRepository => {
  // Images being deleted are invisible to every read (their links die with the mark). Plain
  // knex rows, not Objection models: the rows go straight to imageFromRow, and model
  // hydration was a visible share of a list page's CPU in the profile.
  const live = () => knex('images').whereNull('deleting_since')
  // The owner's live images, kept by the triggers of migration 20250101000004 in the
  // transactions that write `images`: a primary-key lookup, never a scan of the rows.
  const liveCount = (ownerId: string) => knex('image_counts').select('live').where('owner_id', ownerId)
  const countOwned = async (ownerId: string) => {
    const row: unknown = await knex('image_counts').where('owner_id', ownerId).first('live')
    return typeof row === 'object' && row !== null && 'live' in row ? toNumber(row.live, 'count') : 0
  }
  /** The page's rows carry the count (one round trip); a page past the end asks for it. */
  const withCount = async (ownerId: string, rows: readonly { total?: unknown }[]) =>
    rows[0] !== undefined ? toNumber(rows[0].total, 'count') : countOwned(ownerId)

  /**
   * One keyset page. Walks the (owner_id, created_at desc, id desc) index with a
   * row-value comparison, so no offset is scanned and rows inserted or deleted
   * between fetches neither repeat nor vanish. A `before` page walks the index
   * backwards (ascending) from the cursor and is reversed to newest first;
   * `hasMore` then means there are still newer rows.
   */
  const keysetPage = async (ownerId: string, w: KeysetWindow) => {
    const q = live().where('owner_id', ownerId).select(...IMAGE_COLUMNS, liveCount(ownerId).as('total'))
    if (w.after !== undefined) q.whereRaw('(created_at, id) < (?, ?)', [w.after.createdAt, w.after.id])
    if (w.before !== undefined) q.whereRaw('(created_at, id) > (?, ?)', [w.before.createdAt, w.before.id])
    const backwards = w.before !== undefined
    const rows = await q.orderBy(backwards ? [...OLDEST_FIRST] : [...NEWEST_FIRST]).limit(w.limit + 1)
    const page = rows.slice(0, w.limit).map(imageFromRow)
    return { rows: backwards ? page.reverse() : page, hasMore: rows.length > w.limit, count: await withCount(ownerId, rows) }
  }

  return {
    // A plain knex insert: Objection's model round (and its `returning`) was a third of
    // the insert's CPU, on every upload.
    insert: (image) =>
      run('insert image', async (): Promise<Image> => {
        await knex('images').insert(imageToRow(image))
        return image
      }),

    findOwned: (ownerId, id) =>
      isUuid(id) && isUuid(ownerId)
        ? pipe(
            run('find owned image', async (): Promise<ImageColumns | undefined> => live().where('id', id).where('owner_id', ownerId).first(...IMAGE_COLUMNS)),
            TE.chainW(found),
          )
        : TE.left(notFound),

    get: (id) =>
      isUuid(id) ? pipe(run('get image', async (): Promise<ImageColumns | undefined> => live().where('id', id).first(...IMAGE_COLUMNS)), TE.chainW(found)) : TE.left(notFound),

    listByOwner: (ownerId, window) =>
      isUuid(ownerId)
        ? run('list images', async () => {
            const rows = rowsOf(await knex.raw(LIST_PAGE_SQL, [ownerId, ownerId, window.limit, window.offset]))
            return { count: await withCount(ownerId, rows), results: rows.map(imageFromRow) }
          })
        : TE.right({ count: 0, results: [] }),

    listByOwnerKeyset: (ownerId, window) =>
      isUuid(ownerId) && [window.after, window.before].every((c) => c === undefined || isUuid(c.id))
        ? run('list images by keyset', async () => {
            const page = await keysetPage(ownerId, window)
            return { count: page.count, results: page.rows, hasMore: page.hasMore }
          })
        : TE.right({ count: 0, results: [], hasMore: false }),

    listIdsByOwner: (ownerId) =>
      isUuid(ownerId)
        ? run('list image ids', async () => {
            const rows: unknown[] = await knex('images').where('owner_id', ownerId).orderBy([...NEWEST_FIRST]).pluck('id')
            return rows.filter((id): id is string => typeof id === 'string')
          })
        : TE.right([]),

    existingIds: (ids) =>
      run('find existing image ids', async () => {
        const valid = ids.filter(isUuid)
        const found: unknown[] = valid.length === 0 ? [] : await knex('images').whereIn('id', valid).pluck('id')
        return new Set(found.filter((id): id is string => typeof id === 'string'))
      }),

    markDeleting: (id, at) =>
      isUuid(id)
        ? run('mark image deleting', async () => affectedRows(await knex('images').where('id', id).whereNull('deleting_since').update({ deleting_since: at })) > 0)
        : TE.right(false),

    markOwnerDeleting: (ownerId, at) =>
      isUuid(ownerId)
        ? run('mark owner images deleting', async () => affectedRows(await knex('images').where('owner_id', ownerId).whereNull('deleting_since').update({ deleting_since: at })))
        : TE.right(0),

    listDeleting: (limit) =>
      run('list images being deleted', async () => {
        const rows: unknown[] = await knex('images').whereNotNull('deleting_since').orderBy('deleting_since').limit(limit).pluck('id')
        return rows.filter((id): id is string => typeof id === 'string')
      }),

    delete: (id) => (isUuid(id) ? run('delete image', async () => affectedRows(await ImageRow.query(knex).deleteById(id)) > 0) : TE.right(false)),
  }
}
