import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import type { ImageRepository, RefreshTokenRepository, TierRepository, UserRepository } from '../../application/ports/repositories'
import type { ImageNotFound } from '../../domain/errors'
import { principalKey, type HotCaches } from './hot-caches'
import type { Invalidation, InvalidationBus } from './invalidations'

// Decorators around the repository ports. Each lists every method of its port on
// purpose (no spread): a method added to a port fails to compile here until someone
// decides whether it reads cached state or must invalidate it.

/** Runs a write, then announces it — whatever its outcome: a failed commit may still have happened. */
const announcing = <E, A>(bus: InvalidationBus, write: TE.TaskEither<E, A>, what: Invalidation): TE.TaskEither<E, A> =>
  async () => {
    const result = await write()
    await bus.publish(what)
    return result
  }

export const cachingUserRepository = (inner: UserRepository, caches: HotCaches): UserRepository => ({
  list: (window) => inner.list(window),
  get: (id) => inner.get(id),
  findByUsername: (username) => inner.findByUsername(username),
  anyAdmin: () => inner.anyAdmin(),
  create: (user) => inner.create(user),
  getWithTier: (id) => caches.owners.through(id, () => inner.getWithTier(id)),
  getPrincipal: (id, sessionId) => caches.principals.through(principalKey(id, sessionId), () => inner.getPrincipal(id, sessionId)),
  update: (user) => announcing(caches.bus, inner.update(user), { kind: 'user', id: user.id }),
  delete: (id) => announcing(caches.bus, inner.delete(id), { kind: 'user', id }),
})

export const cachingTierRepository = (inner: TierRepository, caches: HotCaches): TierRepository => ({
  list: (window) => inner.list(window),
  get: (id) => inner.get(id),
  findByName: (name) => inner.findByName(name),
  create: (tier) => inner.create(tier),
  update: (tier) => announcing(caches.bus, inner.update(tier), { kind: 'tier', id: tier.id }),
  delete: (id) => announcing(caches.bus, inner.delete(id), { kind: 'tier', id }),
})

export const cachingRefreshTokenRepository = (inner: RefreshTokenRepository, caches: HotCaches): RefreshTokenRepository => ({
  insert: (record) => inner.insert(record),
  find: (digest) => inner.find(digest),
  // Spending a token leaves its session alive: nothing cached changes.
  markUsed: (digest, at) => inner.markUsed(digest, at),
  revokeFamily: (familyId, at) => announcing(caches.bus, inner.revokeFamily(familyId, at), { kind: 'session', id: familyId }),
  revokeAllForUser: (userId, at) => announcing(caches.bus, inner.revokeAllForUser(userId, at), { kind: 'user', id: userId }),
})

const imageNotFound: ImageNotFound = { _tag: 'ImageNotFound' }

export const cachingImageRepository = (inner: ImageRepository, caches: HotCaches): ImageRepository => {
  const get: ImageRepository['get'] = (id) => caches.images.through(id, () => inner.get(id))
  return {
    // A new image is kept as inserted: the first render, which typically follows its upload
    // within the TTL, finds it without a query.
    insert: (image) => caches.images.keeping(image.id, () => inner.insert(image)),
    get,
    // Cached by id alone; another owner's image answers exactly as a missing one.
    findOwned: (ownerId, id) => async () => {
      const found = await get(id)()
      return E.isRight(found) && found.right.ownerId !== ownerId ? E.left(imageNotFound) : found
    },
    listByOwner: (ownerId, window) => inner.listByOwner(ownerId, window),
    listByOwnerKeyset: (ownerId, window) => inner.listByOwnerKeyset(ownerId, window),
    existingIds: (ids) => inner.existingIds(ids),
    listIdsByOwner: (ownerId) => inner.listIdsByOwner(ownerId),
    listDeleting: (limit) => inner.listDeleting(limit),
    markDeleting: (id, at) => announcing(caches.bus, inner.markDeleting(id, at), { kind: 'image', id }),
    markOwnerDeleting: (ownerId, at) => announcing(caches.bus, inner.markOwnerDeleting(ownerId, at), { kind: 'owner', id: ownerId }),
    delete: (id) => announcing(caches.bus, inner.delete(id), { kind: 'image', id }),
  }
}
