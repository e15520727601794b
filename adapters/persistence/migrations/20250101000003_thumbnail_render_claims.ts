import type { Knex } from 'knex'

/**
 * Who renders a thumbnail that is not cached yet, across instances: the first to
 * claim (image, height) renders, the others wait for its blob. A claim older than a
 * render could take is taken over, so a crashed instance never blocks a thumbnail.
 */
export const up = async (knex: Knex): Promise<void> => {
  await knex.schema.createTable('thumbnail_render_claims', (t) => {
    t.uuid('image_id').notNullable().references('id').inTable('images').onDelete('CASCADE')
    t.integer('height').notNullable()
    t.specificType('claimed_at', 'timestamptz(3)').notNullable()
    t.primary(['image_id', 'height'])
  })
}

export const down = async (knex: Knex): Promise<void> => {
  await knex.schema.dropTable('thumbnail_render_claims')
}
