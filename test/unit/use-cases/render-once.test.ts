import { expect } from 'chai'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import type { ThumbnailRenderer } from '../../../application/ports/blobs'
import type { RenderClaims } from '../../../application/ports/repositories'
import { CLAIM_TIMING, ensureThumbnail, type RenderOnceDeps } from '../../../application/render-once'
import { makeSingleFlight } from '../../../application/single-flight'
import { memoryRenderClaims } from '../../../adapters/memory/render-claims'
import { emptyMemoryStore } from '../../../adapters/memory/store'
import type { BlobNotFound } from '../../../domain/errors'
import type { Image } from '../../../domain/image'
import { countingBlobs } from '../../support/counting-blobs'
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

describe('render-once: a renderer that reads the original itself reads while it claims', () => {
  const image: Image = {
    id: '5b0c8a4e-0000-4000-8000-000000000001', ownerId: 'u1', name: 'cat', format: 'jpeg',
    width: 640, height: 480, bytes: 1234, sha256: 'c'.repeat(64), createdAt: new Date(0),
  }
  const key = `${image.id}/200`
  const rendered = { thumbnailKey: key, width: 267, height: 200, bytes: 5 }

  /** A renderer in two steps that says what it does, when; the store and claims in memory. */
  const setUp = (read: () => TE.TaskEither<BlobNotFound, void> = () => TE.right(undefined)) => {
    const events: string[] = []
    const store = emptyMemoryStore()
    const thumbnails = countingBlobs()
    const counts = { reads: 0, renders: 0 }
    const memoryClaims = memoryRenderClaims(store)
    const renderer: ThumbnailRenderer = {
      render: () => TE.left({ _tag: 'RenderFailed', reason: 'the one-step render is not expected here', timedOut: false }),
      prepare: () => pipe(
        TE.fromIO(() => { counts.reads++; events.push('read') }),
        TE.chainW(read),
        TE.map(() => ({
          render: () => TE.fromIO(() => {
            counts.renders++
            events.push('render')
            thumbnails.blobs.set(key, Buffer.from('thumb'))
            return rendered
          }),
        })),
      ),
    }
    const claims: RenderClaims = {
      ...memoryClaims,
      claim: (...args) => async () => {
        events.push('claim sent')
        // A claim answers after a database round trip: by then a concurrent read has started.
        await new Promise((resolve) => setTimeout(resolve, 5))
        events.push('claim answered')
        return memoryClaims.claim(...args)()
      },
    }
    const deps: RenderOnceDeps = {
      thumbnails: thumbnails.s, renderer, claims, renderOnce: makeSingleFlight(),
      claimTiming: { ...CLAIM_TIMING, pollMs: 1 },
    }
    return { deps, events, counts, store, thumbnails, memoryClaims }
  }

  it('sends the claim and reads the original before the claim answers, then renders once', async () => {
    const { deps, events, counts } = setUp()
    await rightOf(ensureThumbnail(deps, image, 200, true))
    expect(events).to.deep.equal(['claim sent', 'read', 'claim answered', 'render'])
    expect(counts).to.deep.equal({ reads: 1, renders: 1 })
  })

  it('on a lost claim drops what it read, renders nothing, and does not read again while it waits', async () => {
    const { deps, counts, thumbnails, memoryClaims } = setUp()
    await rightOf(memoryClaims.claim(image.id, 200, CLAIM_TIMING.ttlMs)) // another instance renders
    const waiting = rightOf(ensureThumbnail(deps, image, 200, true))
    await new Promise((resolve) => setTimeout(resolve, 40)) // a few polls
    thumbnails.blobs.set(key, Buffer.from('rendered elsewhere'))
    await waiting
    expect(counts).to.deep.equal({ reads: 1, renders: 0 })
  })

  it('releases a won claim when the read fails, and answers the read\'s error', async () => {
    const { deps, counts, store } = setUp(() => TE.left({ _tag: 'BlobNotFound', key: image.id }))
    expect(await ensureThumbnail(deps, image, 200, true)()).to.deep.equal(E.left({ _tag: 'BlobNotFound', key: image.id }))
    expect(counts.renders).to.equal(0)
    expect(store.claims.size, 'a waiter may claim at once').to.equal(0)
  })
})
