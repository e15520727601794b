import type { Ports } from '../application/bound-use-cases'
import { deriveKey, hmacCursorSealer, hmacLinkSigner, jwtAccessTokens, randomOpaqueTokens, scryptPasswordHasher } from '../adapters/auth'
import {
  headerImageInspector, memoryBlobStorage, memoryRepositories, recordingThumbnailRenderer, sequentialIds,
  type MemoryRepositories, type RecordingThumbnailRenderer,
} from '../adapters/memory'
import { cryptoHasher, fixedClock, type FixedClock } from '../adapters/runtime'

export interface InMemoryPorts extends Ports {
  /** The rows behind the repositories, for assertions. */
  readonly store: MemoryRepositories['store']
  readonly originals: ReturnType<typeof memoryBlobStorage>
  readonly thumbnails: ReturnType<typeof memoryBlobStorage>
  readonly renderer: RecordingThumbnailRenderer
  readonly clock: FixedClock
  readonly ids: ReturnType<typeof sequentialIds>
}

const TEST_SECRET = 'in-memory-test-secret-of-32-chars!'

export const TEST_START = new Date('2026-01-15T12:00:00.000Z')

/**
 * Every port in memory: repositories seeded with the built-in tiers, two blob stores, a
 * header-only inspector, a recording renderer, a clock that moves only when told, ids in
 * sequence; tokens and link signatures by the real (fast) adapters under test secrets,
 * and scrypt at a cheap cost.
 */
export const inMemoryPorts = (opts: { readonly start?: Date } = {}): InMemoryPorts => {
  const clock = fixedClock(opts.start ?? TEST_START)
  const repositories = memoryRepositories({ clock })
  const originals = memoryBlobStorage()
  const thumbnails = memoryBlobStorage()
  return {
    store: repositories.store,
    tiers: repositories.tiers,
    users: repositories.users,
    images: repositories.images,
    refreshTokens: repositories.refreshTokens,
    claims: repositories.claims,
    originals,
    thumbnails,
    inspector: headerImageInspector(),
    renderer: recordingThumbnailRenderer({ originals, thumbnails }),
    accessTokens: jwtAccessTokens({ secret: TEST_SECRET, ttlSeconds: 900, clock }),
    passwords: scryptPasswordHasher({ cost: { N: 1024 } }),
    opaqueTokens: randomOpaqueTokens({ successorKey: deriveKey(TEST_SECRET, 'refresh-successor') }),
    signer: hmacLinkSigner({ keys: [{ kid: 'test', secret: 'in-memory-link-key-secret' }] }),
    cursors: hmacCursorSealer({ key: deriveKey(TEST_SECRET, 'page-cursor') }),
    clock,
    ids: sequentialIds(),
    hasher: cryptoHasher(),
  }
}
