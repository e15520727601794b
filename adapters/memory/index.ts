/**
 * `imgtier/adapters/memory`: every repository, blob storage, a header-only inspector, a
 * recording renderer and sequential ids, in memory. No I/O and nothing but fp-ts and
 * Node's own modules: use-case tests run in milliseconds. Each passes the contract
 * suite of its port (test/integration/memory-adapters.test.ts).
 */
export { memoryBlobStorage } from './blob-storage'
export { readImageHeader, type ImageHeader } from './image-header'
export { headerImageInspector } from './image-inspector'
export { memoryImageRepository } from './image-repository'
export { memoryRefreshTokenRepository } from './refresh-token-repository'
export { memoryRenderClaims } from './render-claims'
export { memoryRepositories, type MemoryRepositories } from './repositories'
export { sequentialIds } from './runtime'
export { emptyMemoryStore, type MemoryStore } from './store'
export { recordingThumbnailRenderer, type RecordingThumbnailRenderer } from './thumbnail-renderer'
export { memoryTierRepository } from './tier-repository'
export { memoryUserRepository } from './user-repository'
