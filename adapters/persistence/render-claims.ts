import * as TE from 'fp-ts/TaskEither'
import type { Knex } from 'knex'
import type { RenderClaims } from '../../application/ports/repositories'
import { isUuid } from '../../domain/ids'
import { run } from './run'

/**
 * One statement decides: insert the claim, or take over one older than `staleBefore`.
 * A row comes back only when this caller won, on Postgres and PGlite alike.
 */
export const objectionRenderClaims = (knex: Knex): RenderClaims => ({
  claim: (imageId, height, now, staleBefore) =>
    isUuid(imageId)
      ? run('claim thumbnail render', async () => {
          const won: unknown[] = await knex('thumbnail_render_claims')
            .insert({ image_id: imageId, height, claimed_at: now })
            .onConflict(['image_id', 'height'])
            .merge({ claimed_at: now })
            .where('thumbnail_render_claims.claimed_at', '<', staleBefore)
            .returning('image_id')
          return won.length > 0
        })
      : TE.right(false),

  release: (imageId, height) =>
    isUuid(imageId)
      ? run('release thumbnail render', async () => {
          await knex('thumbnail_render_claims').where({ image_id: imageId, height }).delete()
        })
      : TE.right(undefined),
})
