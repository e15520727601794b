import { resolve } from 'node:path'
import type { Knex } from 'knex'
import { pgliteConfig, postgresConfig } from './adapters/persistence/database'
import { migratorConfig } from './adapters/persistence/migrate'

// The same choice as the application (DESIGN.md §4): DATABASE_URL, else the embedded
// PGlite in $IMGTIER_DATA_DIR/pglite. Migrations come from the explicit list.
const dataDir = process.env.IMGTIER_DATA_DIR ?? './var'
const url = process.env.DATABASE_URL

const config: Knex.Config = {
  ...(url !== undefined && url !== '' ? postgresConfig(url) : pgliteConfig(resolve(dataDir, 'pglite'))),
  migrations: migratorConfig,
}

// CommonJS `module.exports`: what the knex CLI and `require('./knexfile')` expect.
export = config
