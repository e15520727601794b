import * as TE from 'fp-ts/TaskEither'
import type { Knex } from 'knex'
import type { RenderClaims } from '../../application/ports/repositories'
import { isUuid } from '../../domain/ids'
import { affectedRows } from './rows'
import { run } from './run'

/** The database's clock, `ms` from now: every instance measures claims with the same clock. */
const inMs = (knex: Knex, ms: number) => knex.raw("clock_timestamp() + ? * interval '1 millisecond'", [Math.max(0, Math.round(ms))])

/**
 * One statement decides: insert the claim, or take over an expired one. A row comes
 * back only when this caller won, on Postgres and PGlite alike. The table is unlogged and
 * locks no other row (migrations 20250101000005 and 6): a claim waits for no WAL flush.
 */
export const objectionRenderClaims = (knex: Knex): RenderClaims => ({
  claim: (imageId, height, ttlMs) =>
    isUuid(imageId)
      ? run('claim thumbnail render', async () => {
          const won: unknown[] = await knex('thumbnail_render_claims')
            .insert({ image_id: imageId, height, expires_at: inMs(knex, ttlMs) })
            .onConflict(['image_id', 'height'])
            .merge({ expires_at: knex.raw('excluded.expires_at') })
            .where('thumbnail_render_claims.expires_at', '<', knex.raw('clock_timestamp()'))
            .returning('image_id')
          return won.length > 0
        })
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
