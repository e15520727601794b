import { expect } from 'chai'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import type { ImageRepository, RefreshTokenRepository, TierRepository, UserRepository } from '../../../application/ports/repositories'
import {
  cachingImageRepository, cachingRefreshTokenRepository, cachingTierRepository, cachingUserRepository,
  inProcessInvalidationBus, makeHotCaches,
} from '../../../adapters/cache'
import type { Image } from '../../../domain/image'
import type { Tier } from '../../../domain/tier'
import type { User } from '../../../domain/user'

const tier: Tier = { id: 't1', name: 'Basic', thumbnailHeights: [200], originalLink: false, expiringLinks: false, expiringLinkSeconds: { min: 300, max: 30000 } }
const user: User = { id: 'u1', username: 'ann', passwordHash: 'h', tierId: 't1', role: 'user', active: true, sessionVersion: 1, createdAt: new Date(0) }
const image: Image = { id: 'i1', ownerId: 'u1', name: 'cat', format: 'jpeg', width: 10, height: 10, bytes: 100, sha256: 'a'.repeat(64), createdAt: new Date(0) }

const unused = () => TE.left({ _tag: 'InfrastructureFailure' as const, what: 'not used by this test', cause: undefined })

/** One in-memory world behind the four ports, counting the reads that reach it. */
const world = () => {
  const reads = { principal: 0, owner: 0, image: 0 }
  const state = { user, tier, revoked: new Set<string>(), images: new Map([[image.id, image]]) }
  const users: UserRepository = {
    list: unused, get: unused, findByUsername: () => TE.right(O.none), anyAdmin: () => TE.right(true), create: unused,
    getWithTier: () => TE.fromIO(() => { reads.owner++; return { user: state.user, tier: state.tier } }),
    getPrincipal: (_id, session) => TE.fromIO(() => { reads.principal++; return { user: state.user, tier: state.tier, sessionEnded: state.revoked.has(session) } }),
    update: (u) => TE.fromIO(() => { state.user = u; return u }),
    delete: () => TE.right(undefined),
  }
  const tiers: TierRepository = {
    list: unused, get: unused, findByName: () => TE.right(O.none), create: unused,
    update: (t) => TE.fromIO(() => { state.tier = t; return t }),
    delete: () => TE.right(undefined),
  }
  const refreshTokens: RefreshTokenRepository = {
    insert: () => TE.right(undefined), find: () => TE.right(O.none), markUsed: () => TE.right(true),
    revokeFamily: (family) => TE.fromIO(() => { state.revoked.add(family) }),
    revokeAllForUser: () => TE.right(undefined),
  }
  const images: ImageRepository = {
    insert: (i) => TE.fromIO(() => { state.images.set(i.id, i); return i }), listByOwner: unused, listByOwnerKeyset: unused, existingIds: unused, listIdsByOwner: unused, listDeleting: unused,
    get: (id) => () => {
      reads.image++
      const found = state.images.get(id)
      return Promise.resolve(found ? E.right(found) : E.left({ _tag: 'ImageNotFound' as const }))
    },
    findOwned: unused,
    markDeleting: (id) => TE.fromIO(() => state.images.delete(id)),
    markOwnerDeleting: () => TE.fromIO(() => { const n = state.images.size; state.images.clear(); return n }),
    delete: (id) => TE.fromIO(() => state.images.delete(id)),
  }
  return { reads, state, users, tiers, refreshTokens, images }
}

const run = async <A>(te: TE.TaskEither<unknown, A>): Promise<E.Either<unknown, A>> => te()

/** Two instances' caches in one process: one bus, as the NOTIFY listener would deliver. */
const setUp = () => {
  const w = world()
  const bus = inProcessInvalidationBus()
  const caches = makeHotCaches({ ttlMs: 60_000, now: () => 0 }, bus)
  return {
    ...w,
    caches,
    users: cachingUserRepository(w.users, caches),
    tiers: cachingTierRepository(w.tiers, caches),
    refreshTokens: cachingRefreshTokenRepository(w.refreshTokens, caches),
    images: cachingImageRepository(w.images, caches),
  }
}

describe('caching repositories: every write that changes a principal or an image invalidates it', () => {
  it('reads a principal, an owner and an image once, then from memory', async () => {
    const s = setUp()
    for (let i = 0; i < 3; i++) {
      await run(s.users.getPrincipal('u1', 's1'))
      await run(s.users.getWithTier('u1'))
      await run(s.images.get('i1'))
    }
    expect(s.reads).to.deep.equal({ principal: 1, owner: 1, image: 1 })
    expect(s.caches.stats().principals).to.include({ hits: 2, misses: 1 })
  })

  const principalWrites: readonly [string, (s: ReturnType<typeof setUp>) => TE.TaskEither<unknown, unknown>][] = [
    ['user edit (tier move, role, activation, password)', (s) => s.users.update({ ...user, active: false })],
    ['user delete', (s) => s.users.delete('u1')],
    ['tier edit', (s) => s.tiers.update({ ...tier, thumbnailHeights: [100] })],
    ['tier delete', (s) => s.tiers.delete('t1')],
    ['logout / refresh-family revocation', (s) => s.refreshTokens.revokeFamily('s1', new Date())],
    ['every session of the user revoked', (s) => s.refreshTokens.revokeAllForUser('u1', new Date())],
  ]
  for (const [name, write] of principalWrites) {
    it(`drops the cached principal on ${name}`, async () => {
      const s = setUp()
      await run(s.users.getPrincipal('u1', 's1'))
      await run(write(s))
      await run(s.users.getPrincipal('u1', 's1'))
      expect(s.reads.principal, 'read again after the write').to.equal(2)
    })
  }

  it('a session revocation drops that session only, a user write every session of the user', async () => {
    const s = setUp()
    await run(s.users.getPrincipal('u1', 's1'))
    await run(s.users.getPrincipal('u1', 's2'))
    await run(s.refreshTokens.revokeFamily('s1', new Date()))
    expect(await run(s.users.getPrincipal('u1', 's1'))).to.deep.include({ right: { user, tier, sessionEnded: true } })
    await run(s.users.getPrincipal('u1', 's2'))
    expect(s.reads.principal).to.equal(3)
    await run(s.users.update({ ...user, role: 'auditor' }))
    await run(s.users.getPrincipal('u1', 's2'))
    await run(s.users.getWithTier('u1'))
    expect(s.reads).to.include({ principal: 4, owner: 1 })
  })

  const imageWrites: readonly [string, (s: ReturnType<typeof setUp>) => TE.TaskEither<unknown, unknown>][] = [
    ['mark for deletion', (s) => s.images.markDeleting('i1', new Date())],
    ['marking all of the owner\'s images (user delete)', (s) => s.images.markOwnerDeleting('u1', new Date())],
    ['delete', (s) => s.images.delete('i1')],
  ]
  for (const [name, write] of imageWrites) {
    it(`drops the cached image on ${name}: the next read finds it gone`, async () => {
      const s = setUp()
      expect(E.isRight(await run(s.images.findOwned('u1', 'i1')))).to.equal(true)
      await run(write(s))
      expect(s.state.images.has('i1')).to.equal(false)
      expect(await run(s.images.findOwned('u1', 'i1'))).to.deep.equal(E.left({ _tag: 'ImageNotFound' }))
    })
  }

  it('keeps an image as inserted: its first lookups (a render after the upload) read nothing, and its deletion still evicts it', async () => {
    const s = setUp()
    const fresh: Image = { ...image, id: 'i2' }
    await run(s.images.insert(fresh))
    expect(await run(s.images.findOwned('u1', 'i2'))).to.deep.equal(E.right(fresh))
    expect(await run(s.images.findOwned('u2', 'i2')), 'ownership is still checked').to.deep.equal(E.left({ _tag: 'ImageNotFound' }))
    expect(s.reads.image).to.equal(0)
    expect(s.caches.stats().images, 'the insert counts as neither').to.include({ hits: 2, misses: 0, size: 1 })
    await run(s.images.markDeleting('i2', new Date()))
    expect(await run(s.images.findOwned('u1', 'i2'))).to.deep.equal(E.left({ _tag: 'ImageNotFound' }))
  })

  it('answers another owner\'s cached image exactly as a missing one', async () => {
    const s = setUp()
    await run(s.images.get('i1'))
    expect(await run(s.images.findOwned('someone-else', 'i1'))).to.deep.equal(E.left({ _tag: 'ImageNotFound' }))
    expect(s.reads.image).to.equal(1)
  })

  it('drops everything when the listener signals it may have missed invalidations', async () => {
    const w = world()
    const listeners: ((s: { kind: 'all' }) => void)[] = []
    const bus = { ...inProcessInvalidationBus(), subscribe: (l: (s: { kind: 'all' }) => void) => { listeners.push(l); return () => undefined } }
    const caches = makeHotCaches({ ttlMs: 60_000, now: () => 0 }, bus)
    const users = cachingUserRepository(w.users, caches)
    await run(users.getPrincipal('u1', 's1'))
    for (const l of listeners) l({ kind: 'all' })
    await run(users.getPrincipal('u1', 's1'))
    expect(w.reads.principal).to.equal(2)
    expect(caches.stats().principals.clears).to.equal(1)
  })
})
