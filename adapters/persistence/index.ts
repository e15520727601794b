// Factories only: nothing is built at import time.
export { openDatabase, databaseFromKnex, type Database, type OpenDatabaseOptions } from './database'
export { migrateLatest, migrateRollback } from './migrate'
export { DatabaseInUse } from './pglite-lock'
export { objectionTierRepository } from './tier-repository'
export { objectionUserRepository } from './user-repository'
export { objectionImageRepository } from './image-repository'
export { objectionRefreshTokenRepository } from './refresh-token-repository'
export { objectionRenderClaims } from './render-claims'
