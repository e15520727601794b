import { expect } from 'chai'
import { CLAIM_STALE_MS, ensureThumbnail } from '../../../application/render-once'
import { rightOf } from '../../../testing'
import { aWorld } from './world'

describe('use-cases on in-memory ports: render-once claims', () => {
  const anImageOnEnterprise = async () => {
    const w = await aWorld()
    const { user } = await w.aUserOn('Enterprise')
    const image = await rightOf(w.ports.images.get((await w.anUploadOf(user)).id))
    return { w, image }
  }

  it('renders once for many concurrent first requests, and releases its claim', async () => {
    const { w, image } = await anImageOnEnterprise()
    await Promise.all(Array.from({ length: 8 }, () => rightOf(ensureThumbnail(w.core.deps, image, 200))))
    expect(w.ports.renderer.calls).to.have.length(1)
    expect(w.ports.store.claims.size).to.equal(0)
  })

  it("takes over another instance's claim once it is stale by the clock, without sleeping", async () => {
    const { w, image } = await anImageOnEnterprise()
    const now = w.ports.clock.now()
    // Another instance claimed the render and died.
    expect(await rightOf(w.ports.claims.claim(image.id, 200, now, new Date(now.getTime() - CLAIM_STALE_MS)))).to.equal(true)
    w.ports.clock.advance(CLAIM_STALE_MS + 1)
    const started = Date.now()
    await rightOf(ensureThumbnail(w.core.deps, image, 200))
    expect(Date.now() - started).to.be.below(40) // no poll was needed: the claim was judged stale at once
    expect(w.ports.renderer.calls).to.have.length(1)
    expect(await rightOf(w.ports.thumbnails.exists(`${image.id}/200`))).to.equal(true)
  })

  it('waits for a live claim of another instance and uses its blob, rendering nothing itself', async () => {
    const { w, image } = await anImageOnEnterprise()
    const now = w.ports.clock.now()
    await rightOf(w.ports.claims.claim(image.id, 200, now, new Date(now.getTime() - CLAIM_STALE_MS)))
    const waiting = rightOf(ensureThumbnail(w.core.deps, image, 200))
    // The other instance finishes: its thumbnail lands and its claim goes.
    await rightOf(w.ports.thumbnails.put(`${image.id}/200`, Buffer.from('rendered elsewhere'), 'image/png'))
    await rightOf(w.ports.claims.release(image.id, 200))
    await waiting
    expect(w.ports.renderer.calls).to.have.length(0)
  })
})
