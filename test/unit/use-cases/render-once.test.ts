import { expect } from 'chai'
import { CLAIM_TIMING, ensureThumbnail } from '../../../application/render-once'
import { rightOf } from '../../../testing'
import { aWorld } from './world'

describe('use-cases on in-memory ports: render-once claims', () => {
  const anImageOnEnterprise = async () => {
    const w = await aWorld()
    const { user } = await w.aUserOn('Enterprise')
    const image = await rightOf(w.ports.images.get((await w.anUploadOf(user)).id))
    return { w, image }
  }

  it('renders once for many concurrent first requests, and leaves its claim to expire', async () => {
    const { w, image } = await anImageOnEnterprise()
    await Promise.all(Array.from({ length: 8 }, () => rightOf(ensureThumbnail(w.core.deps, image, 200))))
    expect(w.ports.renderer.calls).to.have.length(1)
    // No release round trip: the blob now answers every waiter, and the claim expires.
    expect([...w.ports.store.claims.values()]).to.deep.equal([new Date(w.ports.clock.now().getTime() + CLAIM_TIMING.ttlMs)])
  })

  it("takes over another instance's claim once it expired by the clock, without sleeping", async () => {
    const { w, image } = await anImageOnEnterprise()
    // Another instance claimed the render and died: nobody renews its claim.
    expect(await rightOf(w.ports.claims.claim(image.id, 200, CLAIM_TIMING.ttlMs))).to.equal(true)
    w.ports.clock.advance(CLAIM_TIMING.ttlMs + 1)
    const started = Date.now()
    await rightOf(ensureThumbnail(w.core.deps, image, 200))
    expect(Date.now() - started).to.be.below(40) // no poll was needed: the claim was judged expired at once
    expect(w.ports.renderer.calls).to.have.length(1)
    expect(await rightOf(w.ports.thumbnails.exists(`${image.id}/200`))).to.equal(true)
  })

  it('waits for a live claim of another instance and uses its blob, rendering nothing itself', async () => {
    const { w, image } = await anImageOnEnterprise()
    await rightOf(w.ports.claims.claim(image.id, 200, CLAIM_TIMING.ttlMs))
    const waiting = rightOf(ensureThumbnail(w.core.deps, image, 200))
    // The other instance finishes: its thumbnail lands and its claim goes.
    await rightOf(w.ports.thumbnails.put(`${image.id}/200`, Buffer.from('rendered elsewhere'), 'image/png'))
    await rightOf(w.ports.claims.release(image.id, 200))
    await waiting
    expect(w.ports.renderer.calls).to.have.length(0)
  })
})
