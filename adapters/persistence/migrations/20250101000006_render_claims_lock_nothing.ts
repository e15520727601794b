import type { Knex } from 'knex'

/**
 * A claim's foreign key to `images` made every claim lock its image row (FOR KEY
 * SHARE), and a row lock on a logged table is written to the WAL: the claim waited for
 * a WAL flush after all (~10 ms on a busy disk). Without the key the claim touches only
 * its unlogged table and commits without waiting. A trigger keeps what the key's
 * ON DELETE CASCADE did: deleting an image forgets its claims.
 */
export const up = async (knex: Knex): Promise<void> => {
  await knex.raw('ALTER TABLE thumbnail_render_claims DROP CONSTRAINT thumbnail_render_claims_image_id_foreign')
  await knex.raw(`
    CREATE FUNCTION forget_thumbnail_render_claims() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM thumbnail_render_claims WHERE image_id = OLD.id;
      RETURN NULL;
    END
    $$`)
  await knex.raw(`
    CREATE TRIGGER images_forget_thumbnail_render_claims AFTER DELETE ON images
    FOR EACH ROW EXECUTE FUNCTION forget_thumbnail_render_claims()`)
}

export const down = async (knex: Knex): Promise<void> => {
  await knex.raw('DROP TRIGGER images_forget_thumbnail_render_claims ON images')
  await knex.raw('DROP FUNCTION forget_thumbnail_render_claims()')
  await knex.raw('DELETE FROM thumbnail_render_claims WHERE image_id NOT IN (SELECT id FROM images)')
  await knex.raw(`ALTER TABLE thumbnail_render_claims ADD CONSTRAINT thumbnail_render_claims_image_id_foreign
    FOREIGN KEY (image_id) REFERENCES images (id) ON DELETE CASCADE`)
}
