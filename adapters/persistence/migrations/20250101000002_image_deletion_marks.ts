import type { Knex } from 'knex'

/**
 * An image being deleted is marked first: every read skips it from that moment (its
 * links die), its blobs are removed next, and only then the row. A failure between
 * the steps leaves a marked row that the purge sweep finishes, never a blob without
 * a row. The partial index keeps the sweep's lookup cheap and the main index small.
 */
export const up = async (knex: Knex): Promise<void> => {
  await knex.raw('ALTER TABLE images ADD COLUMN deleting_since timestamptz(3) NULL')
  await knex.raw('CREATE INDEX images_deleting_since_index ON images (deleting_since) WHERE deleting_since IS NOT NULL')
}

export const down = async (knex: Knex): Promise<void> => {
  await knex.raw('DROP INDEX IF EXISTS images_deleting_since_index')
  await knex.raw('ALTER TABLE images DROP COLUMN deleting_since')
}
