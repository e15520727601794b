import type * as O from 'fp-ts/Option'
import type * as TE from 'fp-ts/TaskEither'
import type {
  ImageNotFound, InfrastructureFailure, TierInUse, TierNameTaken, TierNotFound, UserNotFound, UsernameTaken,
} from '../../domain/errors'
import type { Image } from '../../domain/image'
import type { Tier } from '../../domain/tier'
import type { User } from '../../domain/user'

type Infra = InfrastructureFailure

/** An offset window over a collection, and what it found. */
export interface OffsetWindow { readonly limit: number; readonly offset: number }
export interface Counted<T> { readonly count: number; readonly results: readonly T[] }

export interface TierRepository {
  list(window: OffsetWindow): TE.TaskEither<Infra, Counted<Tier>>
  get(id: string): TE.TaskEither<TierNotFound | Infra, Tier>
  findByName(name: string): TE.TaskEither<Infra, O.Option<Tier>>
  /** Name uniqueness is case-insensitive ("basic" clashes with "Basic"). */
  create(tier: Tier): TE.TaskEither<TierNameTaken | Infra, Tier>
  update(tier: Tier): TE.TaskEither<TierNotFound | TierNameTaken | Infra, Tier>
  /** Refuses while any user is on the tier. */
  delete(id: string): TE.TaskEither<TierNotFound | TierInUse | Infra, void>
}

export interface UserRepository {
  list(window: OffsetWindow): TE.TaskEither<Infra, Counted<User>>
  get(id: string): TE.TaskEither<UserNotFound | Infra, User>
  /** The user and their current tier in one round trip: every authenticated request needs both. */
  getWithTier(id: string): TE.TaskEither<UserNotFound | Infra, { readonly user: User; readonly tier: Tier }>
  /** getWithTier, plus whether the login session (refresh-token family) has ended: still one round trip. */
  getPrincipal(id: string, sessionId: string): TE.TaskEither<UserNotFound | Infra, { readonly user: User; readonly tier: Tier; readonly sessionEnded: boolean }>
  /** Usernames match case-insensitively. */
  findByUsername(username: string): TE.TaskEither<Infra, O.Option<User>>
  anyAdmin(): TE.TaskEither<Infra, boolean>
  create(user: User): TE.TaskEither<UsernameTaken | TierNotFound | Infra, User>
  update(user: User): TE.TaskEither<UserNotFound | UsernameTaken | TierNotFound | Infra, User>
  delete(id: string): TE.TaskEither<UserNotFound | Infra, void>
}

/** Position of an image in the newest-first order: (createdAt desc, id desc). */
export interface ImageCursor { readonly createdAt: Date; readonly id: string }

export interface KeysetWindow {
  readonly limit: number
  /** Images strictly older than this position (the next page). */
  readonly after?: ImageCursor
  /** Images strictly newer than this position (the previous page). */
  readonly before?: ImageCursor
}

export interface ImageRepository {
  insert(image: Image): TE.TaskEither<Infra, Image>
  /** Another owner's image is ImageNotFound, exactly like a missing one. */
  findOwned(ownerId: string, id: string): TE.TaskEither<ImageNotFound | Infra, Image>
  get(id: string): TE.TaskEither<ImageNotFound | Infra, Image>
  /** Newest first: createdAt desc, id desc. */
  listByOwner(ownerId: string, window: OffsetWindow): TE.TaskEither<Infra, Counted<Image>>
  /** Newest first, keyset-paginated; results always in newest-first order. */
  listByOwnerKeyset(ownerId: string, window: KeysetWindow): TE.TaskEither<Infra, Counted<Image> & { readonly hasMore: boolean }>
  /** Which of these ids have a row, marked for deletion or not (the reconciler's question). */
  existingIds(ids: readonly string[]): TE.TaskEither<Infra, ReadonlySet<string>>
  /** Every image of the owner, marked for deletion or not. */
  listIdsByOwner(ownerId: string): TE.TaskEither<Infra, readonly string[]>
  /**
   * The first step of a deletion: from now on every read above skips the image (so
   * its links die) while its blobs are removed. False when it was not there or marked.
   */
  markDeleting(id: string, at: Date): TE.TaskEither<Infra, boolean>
  /** Marks all of an owner's images (deleting the user). */
  markOwnerDeleting(ownerId: string, at: Date): TE.TaskEither<Infra, number>
  /** Images marked longest ago, whose blobs may still need removing (the purge sweep). */
  listDeleting(limit: number): TE.TaskEither<Infra, readonly string[]>
  /** The last step of a deletion. Idempotent: true when a row was removed. */
  delete(id: string): TE.TaskEither<Infra, boolean>
}

/** Render-once across instances: who renders a thumbnail that is not cached yet. */
export interface RenderClaims {
  /**
   * True when the caller should render now: nobody holds a live claim on (image,
   * height), or the last claim expired (its renderer crashed or gave up). A won claim
   * lives `ttlMs` on the store's own clock, so instances never compare clocks.
   */
  claim(imageId: string, height: number, ttlMs: number): TE.TaskEither<Infra, boolean>
  /** The heartbeat of a long render: the claim lives `ttlMs` from now. */
  renew(imageId: string, height: number, ttlMs: number): TE.TaskEither<Infra, void>
  /** Ends a claim whose render failed, so a waiter may claim at once. */
  release(imageId: string, height: number): TE.TaskEither<Infra, void>
  /**
   * Forgets expired claims, or every claim: an instance that is the only user of its
   * database (embedded PGlite) knows at start that any claim is a leftover of a crash.
   * Returns how many.
   */
  clear(which: 'expired' | 'all'): TE.TaskEither<Infra, number>
}

export interface RefreshTokenRecord {
  /** The token's digest; the token itself is never stored. */
  readonly digest: string
  readonly userId: string
  /** Every token descending from one login; reuse of a rotated one revokes the family. */
  readonly familyId: string
  readonly expiresAt: Date
  readonly createdAt: Date
  readonly usedAt?: Date
  readonly revokedAt?: Date
}

export interface RefreshTokenRepository {
  /** Inserting a digest that exists already keeps the first record (two rotations deriving one successor). */
  insert(record: RefreshTokenRecord): TE.TaskEither<Infra, void>
  find(digest: string): TE.TaskEither<Infra, O.Option<RefreshTokenRecord>>
  /**
   * Atomically marks an unused, unrevoked token used. False when it already was
   * (a concurrent or replayed use): the caller treats that as reuse.
   */
  markUsed(digest: string, at: Date): TE.TaskEither<Infra, boolean>
  revokeFamily(familyId: string, at: Date): TE.TaskEither<Infra, void>
  revokeAllForUser(userId: string, at: Date): TE.TaskEither<Infra, void>
}
