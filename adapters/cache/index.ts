// Factories only: nothing is built at import time.
export { makeTtlCache, type CacheStats, type TtlCache } from './ttl-cache'
export { inProcessInvalidationBus, inProcessInvalidationBusOf, type Invalidation, type InvalidationBus, type Signal } from './invalidations'
export { pgInvalidationBus, type PgInvalidationBus } from './pg-invalidation-bus'
export { makeHotCaches, type HotCaches } from './hot-caches'
export { cachingImageRepository, cachingRefreshTokenRepository, cachingTierRepository, cachingUserRepository } from './cached-repositories'
export { makeThumbnailBytesCache, type ThumbnailBytesCache } from './thumbnail-bytes-cache'
