import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import { BUILT_IN_TIERS } from '../../../domain/tier'

// The columns are spelled out rather than taken from mappers.ts on purpose: a migration
// is a frozen snapshot and must not change when the mapper later does.
export const up = async (knex: Knex): Promise<void> => {
  await knex('tiers').insert(
    BUILT_IN_TIERS.map((t) => ({
      id: randomUUID(),
      name: t.name,
      thumbnail_heights: [...t.thumbnailHeights],
      original_link: t.originalLink,
      expiring_link: t.expiringLinks,
      expiring_link_min: t.expiringLinkSeconds.min,
      expiring_link_max: t.expiringLinkSeconds.max,
    })),
  )
}

// Only the untouched seed rows go: a built-in tier that users now stand on is kept,
// and the FK makes the rollback fail loudly rather than orphan them.
export const down = async (knex: Knex): Promise<void> => {
  await knex('tiers').whereIn('name', BUILT_IN_TIERS.map((t) => t.name)).delete()
}
