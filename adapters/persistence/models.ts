import { Model } from 'objection'

// Row-shaped models: columns keep their SQL names and types stay `unknown` where the
// drivers differ, so every conversion happens in rows.ts. Always queried through
// `Model.query(knexOrTrx)`: no global Model.knex() binding.
// `declare` fields emit no class property, so objection's own assignment is not
// overwritten by an initialiser.

export class TierRow extends Model {
  static override tableName = 'tiers'
  declare id: string
  declare name: string
  declare thumbnail_heights: unknown
  declare original_link: boolean
  declare expiring_link: boolean
  declare expiring_link_min: number
  declare expiring_link_max: number
  declare created_at: unknown
  declare updated_at: unknown
}

export class UserRow extends Model {
  static override tableName = 'users'
  declare id: string
  declare username: string
  declare password_hash: string
  declare tier_id: string
  declare role: string
  declare active: boolean
  declare session_version: number
  declare created_at: unknown
}

export class ImageRow extends Model {
  static override tableName = 'images'
  declare id: string
  declare owner_id: string
  declare name: string
  declare format: string
  declare width: number
  declare height: number
  declare bytes: unknown
  declare sha256: string
  declare created_at: unknown
  declare deleting_since: unknown
  /** Only on listing rows: the owner's live image count, from image_counts. */
  declare total?: unknown
}

export class RefreshTokenRow extends Model {
  static override tableName = 'refresh_tokens'
  static override idColumn = 'digest'
  declare digest: string
  declare user_id: string
  declare family_id: string
  declare expires_at: unknown
  declare created_at: unknown
  declare used_at: unknown
  declare revoked_at: unknown
}
