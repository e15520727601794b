import { randomUUID } from 'node:crypto'
import { expect } from 'chai'
import * as O from 'fp-ts/Option'
import { BUILT_IN_TIERS } from '../../domain/tier'
import { aTier, aUser, left, right, some, type MakeRepositoryHarness, type RepositoryHarness } from './repository-harness.contract'

export const tierRepositoryContract = (name: string, makeHarness: MakeRepositoryHarness) =>
  describe(`TierRepository contract: ${name}`, () => {
    let h: RepositoryHarness
    before(async function () {
      h = await makeHarness.call(this)
    })
    after(async () => h?.close())

    it('starts with the built-in tiers, and counts with a number', async () => {
      const page = await right(h.tiers.list({ limit: 100, offset: 0 }))
      expect(page.count).to.be.a('number').and.to.be.at.least(BUILT_IN_TIERS.length)
      for (const builtIn of BUILT_IN_TIERS) {
        const found = page.results.find((t) => t.name === builtIn.name)
        expect(found, builtIn.name).to.deep.include({ ...builtIn, thumbnailHeights: [...builtIn.thumbnailHeights] })
      }
    })

    it('round-trips every field', async () => {
      const tier = aTier({ thumbnailHeights: [16, 200, 4096], expiringLinks: true, expiringLinkSeconds: { min: 60, max: 604_800 } })
      await right(h.tiers.create(tier))
      expect(await right(h.tiers.get(tier.id))).to.deep.equal(tier)
    })

    it('refuses a name that differs only in case', async () => {
      const tier = await right(h.tiers.create(aTier()))
      const clash = await left(h.tiers.create(aTier({ name: tier.name.toUpperCase() })))
      expect(clash).to.deep.equal({ _tag: 'TierNameTaken', name: tier.name.toUpperCase() })
    })

    it('finds by name case-insensitively, and None when absent', async () => {
      const tier = await right(h.tiers.create(aTier()))
      expect(some(await right(h.tiers.findByName(tier.name.toLowerCase()))).id).to.equal(tier.id)
      expect(await right(h.tiers.findByName(`missing ${randomUUID()}`))).to.deep.equal(O.none)
    })

    it('updates, and refuses a rename onto another tier (any case)', async () => {
      const a = await right(h.tiers.create(aTier()))
      const b = await right(h.tiers.create(aTier()))
      const changed = { ...a, thumbnailHeights: [32], originalLink: false, expiringLinks: true, expiringLinkSeconds: { min: 61, max: 62 } }
      await right(h.tiers.update(changed))
      expect(await right(h.tiers.get(a.id))).to.deep.equal(changed)
      expect(await left(h.tiers.update({ ...a, name: b.name.toLowerCase() }))).to.have.property('_tag', 'TierNameTaken')
      expect(await right(h.tiers.get(a.id))).to.deep.equal(changed)
    })

    it('answers TierNotFound for a missing or malformed id', async () => {
      expect(await left(h.tiers.get(randomUUID()))).to.deep.equal({ _tag: 'TierNotFound' })
      expect(await left(h.tiers.get('not-a-uuid'))).to.deep.equal({ _tag: 'TierNotFound' })
      expect(await left(h.tiers.update(aTier()))).to.deep.equal({ _tag: 'TierNotFound' })
      expect(await left(h.tiers.delete(randomUUID()))).to.deep.equal({ _tag: 'TierNotFound' })
    })

    it('deletes an unused tier once', async () => {
      const tier = await right(h.tiers.create(aTier()))
      await right(h.tiers.delete(tier.id))
      expect(await left(h.tiers.get(tier.id))).to.deep.equal({ _tag: 'TierNotFound' })
      expect(await left(h.tiers.delete(tier.id))).to.deep.equal({ _tag: 'TierNotFound' })
    })

    it('refuses to delete a tier in use, saying by how many users', async () => {
      const tier = await right(h.tiers.create(aTier()))
      await right(h.users.create(aUser(tier.id)))
      await right(h.users.create(aUser(tier.id)))
      expect(await left(h.tiers.delete(tier.id))).to.deep.equal({ _tag: 'TierInUse', users: 2 })
      expect(await right(h.tiers.get(tier.id))).to.deep.equal(tier)
    })

    it('pages with limit and offset over a stable order', async () => {
      const all = await right(h.tiers.list({ limit: 100, offset: 0 }))
      const first = await right(h.tiers.list({ limit: 2, offset: 0 }))
      const second = await right(h.tiers.list({ limit: 2, offset: 2 }))
      expect(first.count).to.equal(all.count)
      expect([...first.results, ...second.results]).to.deep.equal(all.results.slice(0, 4))
    })
  })
