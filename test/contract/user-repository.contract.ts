import { randomUUID } from 'node:crypto'
import { expect } from 'chai'
import * as O from 'fp-ts/Option'
import {
  aRefreshToken, aTier, aUser, anImage, aUserOnBasic, left, right, some, type MakeRepositoryHarness, type RepositoryHarness,
} from './repository-harness.contract'

export const userRepositoryContract = (name: string, makeHarness: MakeRepositoryHarness) =>
  describe(`UserRepository contract: ${name}`, () => {
    let h: RepositoryHarness
    before(async function () {
      h = await makeHarness.call(this)
    })
    after(async () => h?.close())

    // First on purpose: it needs a store with no admin yet.
    it("reads a principal in one go: the user, their tier, and whether the login session has ended", async () => {
      const user = await aUserOnBasic(h)
      const session = aRefreshToken(user.id)
      const otherSession = aRefreshToken(user.id)
      for (const t of [session, otherSession]) await right(h.tokens.insert(t))
      const live = await right(h.users.getPrincipal(user.id, session.familyId))
      expect(live.user).to.deep.equal(user)
      expect(live.tier.name).to.equal('Basic')
      expect(live.sessionEnded).to.equal(false)
      await right(h.tokens.markUsed(session.digest, new Date()))
      expect((await right(h.users.getPrincipal(user.id, session.familyId))).sessionEnded, 'rotated is not ended').to.equal(false)
      await right(h.tokens.revokeFamily(session.familyId, new Date()))
      expect((await right(h.users.getPrincipal(user.id, session.familyId))).sessionEnded).to.equal(true)
      expect((await right(h.users.getPrincipal(user.id, otherSession.familyId))).sessionEnded).to.equal(false)
      expect((await right(h.users.getPrincipal(user.id, 'no-such-session'))).sessionEnded).to.equal(false)
      expect(await left(h.users.getPrincipal(randomUUID(), session.familyId))).to.deep.equal({ _tag: 'UserNotFound' })
    })

    it('knows whether any admin exists', async () => {
      expect(await right(h.users.anyAdmin())).to.equal(false)
      await aUserOnBasic(h, { role: 'auditor' })
      expect(await right(h.users.anyAdmin())).to.equal(false)
      await aUserOnBasic(h, { role: 'admin' })
      expect(await right(h.users.anyAdmin())).to.equal(true)
    })

    it('round-trips every field, createdAt to the millisecond', async () => {
      const user = await aUserOnBasic(h, { role: 'auditor', active: false, sessionVersion: 7, createdAt: new Date('2024-02-29T12:34:56.789Z') })
      expect(await right(h.users.get(user.id))).to.deep.equal(user)
    })

    it('refuses a username that differs only in case', async () => {
      const user = await aUserOnBasic(h)
      const clash = await left(h.users.create(aUser(user.tierId, { username: user.username.toUpperCase() })))
      expect(clash).to.deep.equal({ _tag: 'UsernameTaken', username: user.username.toUpperCase() })
    })

    it('refuses an unknown tier with TierNotFound, on create and on update', async () => {
      expect(await left(h.users.create(aUser(randomUUID())))).to.deep.equal({ _tag: 'TierNotFound' })
      const user = await aUserOnBasic(h)
      expect(await left(h.users.update({ ...user, tierId: randomUUID() }))).to.deep.equal({ _tag: 'TierNotFound' })
    })

    it('finds by username case-insensitively, and None when absent', async () => {
      const user = await aUserOnBasic(h)
      expect(some(await right(h.users.findByUsername(user.username.toUpperCase()))).id).to.equal(user.id)
      expect(await right(h.users.findByUsername(`nobody_${Date.now()}`))).to.deep.equal(O.none)
    })

    it('updates tier, role, password, active and session version; refuses a taken username', async () => {
      const user = await aUserOnBasic(h)
      const other = await aUserOnBasic(h)
      const tier = await right(h.tiers.create(aTier()))
      const changed = { ...user, tierId: tier.id, role: 'admin' as const, passwordHash: 'new', active: false, sessionVersion: 1 }
      await right(h.users.update(changed))
      expect(await right(h.users.get(user.id))).to.deep.equal(changed)
      expect(await left(h.users.update({ ...changed, username: other.username.toUpperCase() }))).to.have.property('_tag', 'UsernameTaken')
      expect(await left(h.users.update(aUser(tier.id)))).to.deep.equal({ _tag: 'UserNotFound' })
    })

    it('reads the user with their current tier in one call', async () => {
      const tier = await right(h.tiers.create(aTier()))
      const user = await right(h.users.create(aUser(tier.id)))
      expect(await right(h.users.getWithTier(user.id))).to.deep.equal({ user, tier })
      const edited = { ...tier, thumbnailHeights: [64], expiringLinks: true }
      await right(h.tiers.update(edited))
      expect((await right(h.users.getWithTier(user.id))).tier).to.deep.equal(edited)
      expect(await left(h.users.getWithTier(randomUUID()))).to.deep.equal({ _tag: 'UserNotFound' })
      expect(await left(h.users.getWithTier('nope'))).to.deep.equal({ _tag: 'UserNotFound' })
    })

    it('deletes once, and takes the user\'s images and refresh tokens along', async () => {
      const user = await aUserOnBasic(h)
      const image = await right(h.images.insert(anImage(user.id)))
      const token = aRefreshToken(user.id)
      await right(h.tokens.insert(token))
      await right(h.users.delete(user.id))
      expect(await left(h.users.get(user.id))).to.deep.equal({ _tag: 'UserNotFound' })
      expect(await left(h.images.get(image.id))).to.deep.equal({ _tag: 'ImageNotFound' })
      expect(await right(h.tokens.find(token.digest))).to.deep.equal(O.none)
      expect(await left(h.users.delete(user.id))).to.deep.equal({ _tag: 'UserNotFound' })
    })

    it('lists with a numeric count, oldest first', async () => {
      const page = await right(h.users.list({ limit: 3, offset: 1 }))
      expect(page.count).to.be.a('number').and.to.be.greaterThan(3)
      expect(page.results).to.have.length(3)
      const times = page.results.map((u) => u.createdAt.getTime())
      expect(times).to.deep.equal([...times].sort((a, b) => a - b))
    })
  })
