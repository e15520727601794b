import type { Knex } from 'knex'
import * as schema from './20250101000000_schema'
import * as seedBuiltInTiers from './20250101000001_seed_built_in_tiers'
import * as imageDeletionMarks from './20250101000002_image_deletion_marks'
import * as thumbnailRenderClaims from './20250101000003_thumbnail_render_claims'
import * as imageCounts from './20250101000004_image_counts'
import * as renderClaimExpiry from './20250101000005_render_claim_expiry'
import * as renderClaimsLockNothing from './20250101000006_render_claims_lock_nothing'

interface NamedMigration { readonly name: string; readonly migration: Knex.Migration }

// Listed by import, not read from a directory: the same list works under
// @swc-node/register (.ts), from compiled JS, and inside a bundle. Append only.
const MIGRATIONS: readonly NamedMigration[] = [
  { name: '20250101000000_schema', migration: schema },
  { name: '20250101000001_seed_built_in_tiers', migration: seedBuiltInTiers },
  { name: '20250101000002_image_deletion_marks', migration: imageDeletionMarks },
  { name: '20250101000003_thumbnail_render_claims', migration: thumbnailRenderClaims },
  { name: '20250101000004_image_counts', migration: imageCounts },
  { name: '20250101000005_render_claim_expiry', migration: renderClaimExpiry },
  { name: '20250101000006_render_claims_lock_nothing', migration: renderClaimsLockNothing },
]

export const migrationSource: Knex.MigrationSource<NamedMigration> = {
  getMigrations: async () => [...MIGRATIONS],
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m.migration,
}

export const MIGRATION_NAMES: readonly string[] = MIGRATIONS.map((m) => m.name)
