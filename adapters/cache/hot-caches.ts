import type { Image } from '../../domain/image'
import type { Tier } from '../../domain/tier'
import type { User } from '../../domain/user'
import type { InvalidationBus, Signal } from './invalidations'
import { makeTtlCache, type CacheStats } from './ttl-cache'

/*
 * THE RULE: a cached principal or image is used only while it is younger than
 * IMGTIER_CACHE_TTL_MS and no write to a row it was read from (user, tier, session,
 * image) has been announced since it was read — announced at once in this process,
 * by NOTIFY to the others, and as "everything" when a listener reconnects.
 */

export interface UserWithTier { readonly user: User; readonly tier: Tier }
export interface PrincipalRecord extends UserWithTier { readonly sessionEnded: boolean }

export interface HotCacheOptions {
  readonly ttlMs: number
  readonly maxEntries?: number
  readonly now?: () => number
}

const DEFAULT_MAX_ENTRIES = 10_000

/** Principal of (user, session): the key a session invalidation finds by its suffix. */
export const principalKey = (userId: string, sessionId: string): string => `${userId}/${sessionId}`

/**
 * The caches of one instance, kept honest by the bus: principals (user + tier +
 * session state, per session), owners (user + tier, for link and refresh paths) and
 * image metadata. `onImageGone` lets other caches (thumbnail bytes) follow deletions.
 */
export const makeHotCaches = (opts: HotCacheOptions, bus: InvalidationBus) => {
  const sized = { ttlMs: opts.ttlMs, maxEntries: opts.maxEntries ?? DEFAULT_MAX_ENTRIES, now: opts.now }
  const principals = makeTtlCache<PrincipalRecord>(sized)
  const owners = makeTtlCache<UserWithTier>(sized)
  const images = makeTtlCache<Image>(sized)
  const imageGoneListeners = new Set<(imageId: string) => void>()

  const apply = (signal: Signal): void => {
    switch (signal.kind) {
      case 'user':
        principals.deleteWhere((p) => p.user.id === signal.id)
        owners.delete(signal.id)
        return
      case 'tier':
        principals.deleteWhere((p) => p.tier.id === signal.id)
        owners.deleteWhere((o) => o.tier.id === signal.id)
        return
      case 'session':
        principals.deleteWhere((_, key) => key.endsWith(`/${signal.id}`))
        return
      case 'image':
        images.delete(signal.id)
        for (const gone of imageGoneListeners) gone(signal.id)
        return
      case 'owner':
        images.deleteWhere((image) => image.ownerId === signal.id)
        return
      case 'all':
        principals.clear()
        owners.clear()
        images.clear()
    }
  }
  const unsubscribe = bus.subscribe(apply)

  return {
    principals,
    owners,
    images,
    bus,
    onImageGone: (listener: (imageId: string) => void): void => {
      imageGoneListeners.add(listener)
    },
    stats: (): { readonly principals: CacheStats; readonly owners: CacheStats; readonly images: CacheStats } =>
      ({ principals: principals.stats(), owners: owners.stats(), images: images.stats() }),
    close: unsubscribe,
  }
}

export type HotCaches = ReturnType<typeof makeHotCaches>
