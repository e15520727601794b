import * as TE from 'fp-ts/TaskEither'
import type { Knex } from 'knex'
import type { RenderClaims } from '../../application/ports/repositories'
import { isUuid } from '../../domain/ids'
import { affectedRows, RowShapeError } from './rows'
import { run } from './run'

/** The database's clock, `ms` from now: every instance measures claims with the same clock. */
const inMs = (knex: Knex, ms: number) => knex.raw("clock_timestamp() + ? * interval '1 millisecond'", [Math.max(0, Math.round(ms))])

const CLAIM = `INSERT INTO thumbnail_render_claims (image_id, height, expires_at)
  VALUES (?, ?, clock_timestamp() + ? * interval '1 millisecond')
  ON CONFLICT (image_id, height) DO UPDATE SET expires_at = excluded.expires_at
  WHERE thumbnail_render_claims.expires_at < clock_timestamp()
  RETURNING image_id`

/** The rows of a raw statement's result, as pg and knex-pglite hand them over; any other shape is a loud failure, never a lost claim. */
const rowsOf = (result: unknown): unknown[] => {
  if (typeof result === 'object' && result !== null && 'rows' in result && Array.isArray(result.rows)) return result.rows
  throw new RowShapeError('claim result', result)
}

/**
 * One statement decides: insert the claim, or take over an expired one. A row comes
 * back only when this caller won, on Postgres and PGlite alike. The table is unlogged and
 * locks no other row (migrations 20250101000005 and 6): a claim waits for no WAL flush.
 */
export const objectionRenderClaims = (knex: Knex): RenderClaims => ({
  // One fixed statement rather than the query builder: it is on every first render's path,
  // where building the upsert cost ~0.1 ms of the event loop each time (~0.01 ms as text).
  claim: (imageId, height, ttlMs) =>
    isUuid(imageId)
      ? run('claim thumbnail render', async () => rowsOf(await knex.raw(CLAIM, [imageId, height, Math.max(0, Math.round(ttlMs))])).length > 0)
      : TE.right(false),

  renew: (imageId, height, ttlMs) =>
    isUuid(imageId)
      ? run('renew thumbnail render claim', async () => {
          await knex('thumbnail_render_claims').where({ image_id: imageId, height }).update({ expires_at: inMs(knex, ttlMs) })
        })
      : TE.right(undefined),

  release: (imageId, height) =>
    isUuid(imageId)
      ? run('release thumbnail render', async () => {
          await knex('thumbnail_render_claims').where({ image_id: imageId, height }).delete()
        })
      : TE.right(undefined),

  clear: (which) =>
    run('clear thumbnail render claims', async () =>
      affectedRows(
        which === 'all'
          ? await knex('thumbnail_render_claims').delete()
          : await knex('thumbnail_render_claims').where('expires_at', '<', knex.raw('clock_timestamp()')).delete(),
      ),
    ),
})
