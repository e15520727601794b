/**
 * `imgtier`: everything at once, for convenience. Each part has a lighter entry of its
 * own, which loads only what it names: `imgtier/domain`, `imgtier/application`,
 * `imgtier/adapters/<family>`, `imgtier/server`, `imgtier/testing` (README, "Embedding").
 */
export * from './domain'
export * from './application'
export { openDatabase, migrateLatest, migrateRollback } from './adapters/persistence'
export { objectionImageRepository, objectionRefreshTokenRepository, objectionRenderClaims, objectionTierRepository, objectionUserRepository } from './adapters/persistence'
export { ensureBuckets, fsBlobStorage, makeS3Client, s3BlobStorage } from './adapters/storage'
export { lambdaThumbnailRenderer, sharpImageInspector, sharpThumbnailRenderer } from './adapters/thumbnails'
export { hmacLinkSigner, jwtAccessTokens, randomOpaqueTokens, scryptPasswordHasher } from './adapters/auth'
export { cryptoHasher, cryptoIdGenerator, systemClock } from './adapters/runtime'
export * from './bootstrap/server'
