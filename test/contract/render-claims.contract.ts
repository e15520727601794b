import { randomUUID } from 'node:crypto'
import { expect } from 'chai'
import { anImage, aUserOnBasic, right, type MakeRepositoryHarness, type RepositoryHarness } from './repository-harness.contract'

const at = (iso: string) => new Date(iso)

export const renderClaimsContract = (name: string, makeHarness: MakeRepositoryHarness) =>
  describe(`RenderClaims contract: ${name}`, () => {
    let h: RepositoryHarness
    before(async function () {
      h = await makeHarness.call(this)
    })
    after(async () => h?.close())

    const anImageId = async () => {
      const owner = await aUserOnBasic(h)
      return (await right(h.images.insert(anImage(owner.id)))).id
    }

    it('grants a render to the first claimant only, per (image, height)', async () => {
      const id = await anImageId()
      const now = at('2026-01-01T00:00:00.000Z')
      const stale = at('2025-12-31T23:58:00.000Z')
      expect(await right(h.claims.claim(id, 200, now, stale))).to.equal(true)
      expect(await right(h.claims.claim(id, 200, now, stale))).to.equal(false)
      expect(await right(h.claims.claim(id, 400, now, stale))).to.equal(true)
    })

    it('lets exactly one of many simultaneous claimants win', async () => {
      const id = await anImageId()
      const now = new Date()
      const results = await Promise.all(Array.from({ length: 10 }, () => right(h.claims.claim(id, 200, now, new Date(now.getTime() - 60_000)))))
      expect(results.filter(Boolean)).to.have.length(1)
    })

    it('hands a stale claim over, and a released one at once', async () => {
      const id = await anImageId()
      expect(await right(h.claims.claim(id, 200, at('2026-01-01T00:00:00.000Z'), at('2025-12-31T00:00:00.000Z')))).to.equal(true)
      // Two minutes later, a claim older than one minute counts as abandoned.
      expect(await right(h.claims.claim(id, 200, at('2026-01-01T00:02:00.000Z'), at('2026-01-01T00:01:00.000Z')))).to.equal(true)
      expect(await right(h.claims.claim(id, 200, at('2026-01-01T00:02:01.000Z'), at('2026-01-01T00:01:01.000Z')))).to.equal(false)
      await right(h.claims.release(id, 200))
      expect(await right(h.claims.claim(id, 200, at('2026-01-01T00:02:02.000Z'), at('2026-01-01T00:01:02.000Z')))).to.equal(true)
    })

    it('answers false for an id that is not a uuid, and releasing nothing is harmless', async () => {
      expect(await right(h.claims.claim('not-a-uuid', 200, new Date(), new Date()))).to.equal(false)
      await right(h.claims.release(randomUUID(), 200))
    })

    it('forgets the claims of a deleted image', async () => {
      const id = await anImageId()
      expect(await right(h.claims.claim(id, 200, new Date(), new Date(0)))).to.equal(true)
      await right(h.images.delete(id))
      const owner = await aUserOnBasic(h)
      const again = await right(h.images.insert(anImage(owner.id, { id })))
      expect(await right(h.claims.claim(again.id, 200, new Date(), new Date(0)))).to.equal(true)
    })
  })
