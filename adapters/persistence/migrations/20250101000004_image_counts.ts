import type { Knex } from 'knex'

/**
 * Each owner's number of live images (rows without a deletion mark), so a list page
 * reads its `count` with one primary-key lookup instead of scanning the owner's rows.
 *
 * Statement-level triggers keep it in the very transaction that writes `images`, so it
 * is exact whatever the path: an upload, a mark (the count drops when the image leaves
 * the lists, not when it is purged), the purge of a marked row (no second decrement),
 * an owner's cascade delete, or a bulk `INSERT … SELECT`. A statement applies one delta
 * per owner from its transition tables, in owner order (concurrent statements lock the
 * counter rows in the same order, so they queue and never deadlock); a row-level trigger
 * would rewrite the same counter once per row, which a million-row insert cannot afford.
 */
const DELTAS = (oldRows: string | undefined, newRows: string | undefined) => `
  SELECT owner_id, sum(d) AS d FROM (
    ${[newRows && `SELECT owner_id, 1 AS d FROM ${newRows} WHERE deleting_since IS NULL`,
       oldRows && `SELECT owner_id, -1 AS d FROM ${oldRows} WHERE deleting_since IS NULL`].filter(Boolean).join(' UNION ALL ')}
  ) AS changes GROUP BY owner_id HAVING sum(d) <> 0`

// Decrements only update: an owner deleted in the same statement (cascade) has no row
// left to bring back. Increments create the row on an owner's first image.
const APPLY = (deltas: string) => `
    UPDATE image_counts c SET live = c.live + x.d
      FROM (${deltas}) AS x WHERE c.owner_id = x.owner_id AND x.d < 0;
    INSERT INTO image_counts (owner_id, live)
      SELECT owner_id, d FROM (${deltas}) AS x WHERE d > 0 ORDER BY owner_id
      ON CONFLICT (owner_id) DO UPDATE SET live = image_counts.live + EXCLUDED.live;`

export const up = async (knex: Knex): Promise<void> => {
  await knex.raw(`
    CREATE TABLE image_counts (
      owner_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
      live bigint NOT NULL CHECK (live >= 0)
    )`)
  await knex.raw(`
    CREATE FUNCTION image_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN ${APPLY(DELTAS(undefined, 'inserted'))}
      ELSIF TG_OP = 'DELETE' THEN ${APPLY(DELTAS('removed', undefined))}
      ELSE ${APPLY(DELTAS('before_rows', 'after_rows'))}
      END IF;
      RETURN NULL;
    END $$`)
  // Transition tables allow one event per trigger, hence three.
  await knex.raw(`CREATE TRIGGER image_counts_insert AFTER INSERT ON images REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION image_counts_apply()`)
  await knex.raw(`CREATE TRIGGER image_counts_delete AFTER DELETE ON images REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION image_counts_apply()`)
  await knex.raw(`CREATE TRIGGER image_counts_update AFTER UPDATE ON images REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
    FOR EACH STATEMENT EXECUTE FUNCTION image_counts_apply()`)
  // Backfill after the triggers exist: CREATE TRIGGER holds off other writers to images
  // until this migration commits, so no image is counted twice or missed.
  await knex.raw(`
    INSERT INTO image_counts (owner_id, live)
      SELECT owner_id, count(*) FROM images WHERE deleting_since IS NULL GROUP BY owner_id`)
}

export const down = async (knex: Knex): Promise<void> => {
  await knex.raw('DROP TRIGGER image_counts_update ON images')
  await knex.raw('DROP TRIGGER image_counts_delete ON images')
  await knex.raw('DROP TRIGGER image_counts_insert ON images')
  await knex.raw('DROP FUNCTION image_counts_apply()')
  await knex.raw('DROP TABLE image_counts')
}
