import { expect } from 'chai'
import * as E from 'fp-ts/Either'
import type { BlobStorage } from '../../../application/ports/blobs'
import { countingBlobs as store } from '../../support/counting-blobs'
import { makeThumbnailBytesCache } from '../../../adapters/cache'

const bytesOf = async (storage: BlobStorage, key: string): Promise<Buffer> => {
  const r = await storage.open(key)()
  if (E.isLeft(r)) throw new Error(`no blob ${key}`)
  const chunks: Uint8Array[] = []
  for await (const c of r.right.body) chunks.push(c)
  return Buffer.concat(chunks)
}

describe('thumbnail bytes cache', () => {
  it('reads a thumbnail from the store once, then from memory, the same bytes', async () => {
    const { s, blobs, reads } = store()
    blobs.set('i1/200', Buffer.from('thumbnail-bytes'))
    const cache = makeThumbnailBytesCache({ maxBytes: 1024 })
    const cached = cache.wrap(s)
    expect((await bytesOf(cached, 'i1/200')).toString()).to.equal('thumbnail-bytes')
    expect((await bytesOf(cached, 'i1/200')).toString()).to.equal('thumbnail-bytes')
    expect(await cached.exists('i1/200')()).to.deep.equal(E.right(true))
    expect(reads.n).to.equal(1)
    expect(cache.stats()).to.include({ hits: 1, misses: 1, size: 1, bytes: 15 })
  })

  it('decides hit or miss when a read runs, not when it is built: a read built before a put finds the put bytes', async () => {
    const { s, reads } = store()
    const cached = makeThumbnailBytesCache({ maxBytes: 1024 }).wrap(s)
    const open = cached.open('i1/200')
    const get = cached.get('i1/200')
    const exists = cached.exists('i1/200')
    expect(reads.n, 'building a read reads nothing').to.equal(0)
    expect(E.isLeft(await open())).to.equal(true)
    await cached.put('i1/200', Buffer.from('rendered'), 'image/jpeg')()
    const readsAfterPut = reads.n
    const again = await open()
    expect(E.isRight(again) && Buffer.from(again.right.whole ?? []).toString()).to.equal('rendered')
    expect(await get()).to.deep.equal(E.right({ bytes: Buffer.from('rendered'), contentType: 'image/jpeg' }))
    expect(await exists()).to.deep.equal(E.right(true))
    expect(reads.n, 'all three answered from memory').to.equal(readsAfterPut)
  })

  it('stays within its byte budget, and never keeps one thumbnail larger than an eighth of it', async () => {
    const { s, blobs } = store()
    for (let i = 0; i < 20; i++) blobs.set(`i${i}/200`, Buffer.alloc(100, i))
    blobs.set('big/200', Buffer.alloc(200))
    const cache = makeThumbnailBytesCache({ maxBytes: 800 })
    const cached = cache.wrap(s)
    for (let i = 0; i < 20; i++) await bytesOf(cached, `i${i}/200`)
    expect(cache.stats().bytes).to.be.at.most(800)
    expect(cache.has('i19/200')).to.equal(true)
    expect(cache.has('i0/200'), 'least recently used goes first').to.equal(false)
    expect((await bytesOf(cached, 'big/200')).length).to.equal(200)
    expect(cache.has('big/200')).to.equal(false)
  })

  it('evicts an image\'s thumbnails when they are deleted here, or when another instance announces the image gone', async () => {
    const { s, blobs } = store()
    for (const k of ['i1/200', 'i1/400', 'i2/200']) blobs.set(k, Buffer.from(k))
    const cache = makeThumbnailBytesCache({ maxBytes: 1024 })
    const cached = cache.wrap(s)
    for (const k of ['i1/200', 'i1/400', 'i2/200']) await bytesOf(cached, k)
    await cached.deletePrefix('i1/')()
    expect(cache.has('i1/200') || cache.has('i1/400')).to.equal(false)
    expect(await cached.exists('i1/200')()).to.deep.equal(E.right(false))
    cache.evictImage('i2')
    expect(cache.has('i2/200')).to.equal(false)
  })

  it('with a budget of 0 keeps nothing and streams from the store', async () => {
    const { s, blobs, reads } = store()
    blobs.set('i1/200', Buffer.from('x'))
    const cached = makeThumbnailBytesCache({ maxBytes: 0 }).wrap(s)
    await bytesOf(cached, 'i1/200')
    await bytesOf(cached, 'i1/200')
    expect(reads.n).to.equal(2)
  })
})
