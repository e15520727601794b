import { randomUUID } from 'node:crypto'
import { expect } from 'chai'
import { anImage, aUserOnBasic, right, type MakeRepositoryHarness, type RepositoryHarness } from './repository-harness.contract'

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

    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

    it('grants a render to the first claimant only, per (image, height)', async () => {
      const id = await anImageId()
      expect(await right(h.claims.claim(id, 200, 60_000))).to.equal(true)
      expect(await right(h.claims.claim(id, 200, 60_000))).to.equal(false)
      expect(await right(h.claims.claim(id, 400, 60_000))).to.equal(true)
    })

    it('lets exactly one of many simultaneous claimants win', async () => {
      const id = await anImageId()
      const results = await Promise.all(Array.from({ length: 10 }, () => right(h.claims.claim(id, 200, 60_000))))
      expect(results.filter(Boolean)).to.have.length(1)
    })

    it('hands an expired claim over, and a released one at once', async () => {
      const id = await anImageId()
      expect(await right(h.claims.claim(id, 200, 60_000))).to.equal(true)
      expect(await right(h.claims.claim(id, 200, 60_000))).to.equal(false)
      // Its last heartbeat promised 1 ms more; 20 ms later nobody has renewed it.
      await right(h.claims.renew(id, 200, 1))
      await sleep(20)
      // Nobody renewed it: its renderer is gone, the next claimant takes over.
      expect(await right(h.claims.claim(id, 200, 60_000))).to.equal(true)
      expect(await right(h.claims.claim(id, 200, 60_000))).to.equal(false)
      await right(h.claims.release(id, 200))
      expect(await right(h.claims.claim(id, 200, 60_000))).to.equal(true)
    })

    it('keeps a renewed claim alive past its first expiry; a renewal counts from now', async () => {
      const id = await anImageId()
      expect(await right(h.claims.claim(id, 200, 300))).to.equal(true)
      await right(h.claims.renew(id, 200, 60_000))
      await sleep(400)
      expect(await right(h.claims.claim(id, 200, 60_000)), 'past the first 300 ms, renewed for a minute').to.equal(false)
      await right(h.claims.renew(id, 200, 1))
      await sleep(20)
      expect(await right(h.claims.claim(id, 200, 60_000)), 'renewed for 1 ms, 20 ms ago').to.equal(true)
    })

    it('clears expired claims, or all of them', async () => {
      const [a, b] = [await anImageId(), await anImageId()]
      expect(await right(h.claims.claim(a, 200, 1))).to.equal(true)
      expect(await right(h.claims.claim(b, 200, 60_000))).to.equal(true)
      await sleep(20)
      expect(await right(h.claims.clear('expired'))).to.be.at.least(1)
      expect(await right(h.claims.claim(b, 200, 60_000)), 'a live claim survives clear(expired)').to.equal(false)
      expect(await right(h.claims.clear('all'))).to.be.at.least(1)
      expect(await right(h.claims.claim(b, 200, 60_000))).to.equal(true)
    })

    it('answers false for an id that is not a uuid, and releasing or renewing nothing is harmless', async () => {
      expect(await right(h.claims.claim('not-a-uuid', 200, 1000))).to.equal(false)
      await right(h.claims.release(randomUUID(), 200))
      await right(h.claims.renew(randomUUID(), 200, 1000))
    })

    it('forgets the claims of a deleted image', async () => {
      const id = await anImageId()
      expect(await right(h.claims.claim(id, 200, 60_000))).to.equal(true)
      await right(h.images.delete(id))
      const owner = await aUserOnBasic(h)
      const again = await right(h.images.insert(anImage(owner.id, { id })))
      expect(await right(h.claims.claim(again.id, 200, 60_000))).to.equal(true)
    })
  })
