import type { Knex } from 'knex'
import { EXPIRY_CEILING, EXPIRY_FLOOR, HEIGHT_MAX, HEIGHT_MIN } from '../../../domain/tier'
import { NAME_MAX } from '../../../domain/image'

// Every timestamp is timestamptz(3): a JS Date carries milliseconds, and a stored
// microsecond would make a value read back differ from the row (keyset cursors built
// from a Date would then skip or repeat rows).
const ts = (t: Knex.CreateTableBuilder, name: string) => t.timestamp(name, { useTz: true, precision: 3 })

export const up = async (knex: Knex): Promise<void> => {
  await knex.schema.createTable('tiers', (t) => {
    t.uuid('id').primary()
    t.text('name').notNullable()
    t.specificType('thumbnail_heights', 'integer[]').notNullable()
    t.boolean('original_link').notNullable()
    t.boolean('expiring_link').notNullable()
    t.integer('expiring_link_min').notNullable()
    t.integer('expiring_link_max').notNullable()
    ts(t, 'created_at').notNullable().defaultTo(knex.fn.now())
    ts(t, 'updated_at').notNullable().defaultTo(knex.fn.now())
  })
  await knex.raw(`
    ALTER TABLE tiers
      ADD CONSTRAINT tiers_name_length CHECK (char_length(name) BETWEEN 1 AND 100),
      ADD CONSTRAINT tiers_heights_count CHECK (array_ndims(thumbnail_heights) = 1
        AND cardinality(thumbnail_heights) BETWEEN 1 AND 20
        AND array_position(thumbnail_heights, NULL) IS NULL),
      ADD CONSTRAINT tiers_heights_range CHECK (${HEIGHT_MIN} <= ALL (thumbnail_heights) AND ${HEIGHT_MAX} >= ALL (thumbnail_heights)),
      ADD CONSTRAINT tiers_expiry_range CHECK (
        expiring_link_min BETWEEN ${EXPIRY_FLOOR} AND ${EXPIRY_CEILING}
        AND expiring_link_max BETWEEN ${EXPIRY_FLOOR} AND ${EXPIRY_CEILING}
        AND expiring_link_min <= expiring_link_max)`)
  await knex.raw('CREATE UNIQUE INDEX tiers_name_lower_unique ON tiers (lower(name))')

  await knex.schema.createTable('users', (t) => {
    t.uuid('id').primary()
    t.text('username').notNullable()
    t.text('password_hash').notNullable()
    t.uuid('tier_id').notNullable().references('id').inTable('tiers').onDelete('RESTRICT')
    t.text('role').notNullable()
    t.boolean('active').notNullable().defaultTo(true)
    t.integer('session_version').notNullable().defaultTo(0)
    ts(t, 'created_at').notNullable().defaultTo(knex.fn.now())
    t.index(['tier_id'], 'users_tier_id_index')
  })
  await knex.raw(`
    ALTER TABLE users
      ADD CONSTRAINT users_role_known CHECK (role IN ('user', 'admin', 'auditor')),
      ADD CONSTRAINT users_username_length CHECK (char_length(username) BETWEEN 1 AND 64)`)
  await knex.raw('CREATE UNIQUE INDEX users_username_lower_unique ON users (lower(username))')

  await knex.schema.createTable('images', (t) => {
    t.uuid('id').primary()
    t.uuid('owner_id').notNullable().references('id').inTable('users').onDelete('CASCADE')
    t.text('name').notNullable()
    t.text('format').notNullable()
    t.integer('width').notNullable()
    t.integer('height').notNullable()
    t.bigInteger('bytes').notNullable()
    t.specificType('sha256', 'char(64)').notNullable()
    ts(t, 'created_at').notNullable().defaultTo(knex.fn.now())
  })
  await knex.raw(`
    ALTER TABLE images
      ADD CONSTRAINT images_format_known CHECK (format IN ('jpeg', 'png')),
      ADD CONSTRAINT images_name_length CHECK (char_length(name) BETWEEN 1 AND ${NAME_MAX}),
      ADD CONSTRAINT images_size_positive CHECK (width > 0 AND height > 0 AND bytes >= 0),
      ADD CONSTRAINT images_sha256_hex CHECK (sha256 ~ '^[0-9a-f]{64}$')`)
  // The one index behind every listing: newest first, ties broken by id (keyset pages).
  await knex.raw('CREATE INDEX images_owner_created_id_index ON images (owner_id, created_at DESC, id DESC)')

  await knex.schema.createTable('refresh_tokens', (t) => {
    t.text('digest').primary()
    t.uuid('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE')
    t.text('family_id').notNullable()
    ts(t, 'expires_at').notNullable()
    ts(t, 'created_at').notNullable().defaultTo(knex.fn.now())
    ts(t, 'used_at').nullable()
    ts(t, 'revoked_at').nullable()
    t.index(['family_id'], 'refresh_tokens_family_id_index')
    t.index(['user_id'], 'refresh_tokens_user_id_index')
  })
}

export const down = async (knex: Knex): Promise<void> => {
  await knex.schema.dropTable('refresh_tokens')
  await knex.schema.dropTable('images')
  await knex.schema.dropTable('users')
  await knex.schema.dropTable('tiers')
}
