import { expect } from 'chai'
import * as E from 'fp-ts/Either'
import * as TE from 'fp-ts/TaskEither'
import { deliverOriginal, deliverThumbnail, thumbnailEtag, type DeliveryDeps } from '../../../application/delivery'
import { makeSingleFlight } from '../../../application/single-flight'
import { makeThumbnailBytesCache } from '../../../adapters/cache'
import { emptyMemoryStore } from '../../../adapters/memory/store'
import { memoryRenderClaims } from '../../../adapters/memory/render-claims'
import type { Image } from '../../../domain/image'
import { countingBlobs } from '../../support/counting-blobs'

const image: Image = { id: 'i1', ownerId: 'u1', name: 'cat', format: 'jpeg', width: 10, height: 10, bytes: 1234, sha256: 'b'.repeat(64), createdAt: new Date(0) }

const setUp = () => {
  const originals = countingBlobs()
  const thumbnails = countingBlobs()
  originals.blobs.set('i1', Buffer.alloc(1234))
  thumbnails.blobs.set('i1/200', Buffer.from('thumb'))
  const cache = makeThumbnailBytesCache({ maxBytes: 1024 })
  const deps: DeliveryDeps = {
    originals: originals.s,
    thumbnails: cache.wrap(thumbnails.s),
    delivery: 'proxy',
    renderer: { render: () => TE.left({ _tag: 'RenderFailed', reason: 'not expected in this test', timedOut: false }) },
    renderOnce: makeSingleFlight(),
    claims: memoryRenderClaims(emptyMemoryStore()),
  }
  return { deps, originals, thumbnails }
}

const tagOf = async (te: TE.TaskEither<unknown, { _tag: string; length?: number }>) => {
  const r = await te()
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left))
  return r.right
}

describe('delivery: 304s and HEADs cost no storage read', () => {
  it('answers a HEAD of an original from the row: its size, no read', async () => {
    const { deps, originals } = setUp()
    expect(await tagOf(deliverOriginal(deps, image, { method: 'HEAD', maxSeconds: 60 }))).to.include({ _tag: 'Headers', length: 1234 })
    expect(originals.reads.n).to.equal(0)
  })

  it('answers a matching If-None-Match with 304 and no read', async () => {
    const { deps, originals, thumbnails } = setUp()
    const etag = thumbnailEtag(image, 200)
    expect(await tagOf(deliverThumbnail(deps, image, 200, { method: 'GET', ifNoneMatch: etag, maxSeconds: 60 }))).to.include({ _tag: 'NotModified' })
    expect(originals.reads.n + thumbnails.reads.n).to.equal(0)
  })

  it('reads a thumbnail once; later GETs and HEADs come from memory', async () => {
    const { deps, thumbnails } = setUp()
    expect(await tagOf(deliverThumbnail(deps, image, 200, { method: 'GET', maxSeconds: 60 }))).to.include({ _tag: 'Bytes', length: 5 })
    const reads = thumbnails.reads.n
    expect(await tagOf(deliverThumbnail(deps, image, 200, { method: 'HEAD', maxSeconds: 60 }))).to.include({ _tag: 'Bytes', length: 5 })
    expect(await tagOf(deliverThumbnail(deps, image, 200, { method: 'GET', maxSeconds: 60 }))).to.include({ _tag: 'Bytes', length: 5 })
    expect(thumbnails.reads.n).to.equal(reads)
  })
})
