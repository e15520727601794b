import type { Knex } from 'knex'

/**
 * A claim now says until when it holds (`expires_at`, set from the database's clock,
 * so instances never compare their own clocks) instead of when it was made: a
 * renderer renews its claim while it works, and a claim nobody renews (its instance
 * crashed) is taken over seconds later instead of minutes. Claims are ephemeral, so
 * the table is UNLOGGED: a claim costs no WAL flush, and a Postgres crash, which
 * empties it, only forgets renders that died with it.
 */
export const up = async (knex: Knex): Promise<void> => {
  await knex.raw('DELETE FROM thumbnail_render_claims')
  await knex.raw('ALTER TABLE thumbnail_render_claims DROP COLUMN claimed_at')
  await knex.raw('ALTER TABLE thumbnail_render_claims ADD COLUMN expires_at timestamptz(3) NOT NULL')
  await knex.raw('ALTER TABLE thumbnail_render_claims SET UNLOGGED')
}

export const down = async (knex: Knex): Promise<void> => {
  await knex.raw('ALTER TABLE thumbnail_render_claims SET LOGGED')
  await knex.raw('DELETE FROM thumbnail_render_claims')
  await knex.raw('ALTER TABLE thumbnail_render_claims DROP COLUMN expires_at')
  await knex.raw('ALTER TABLE thumbnail_render_claims ADD COLUMN claimed_at timestamptz(3) NOT NULL')
}
