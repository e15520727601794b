import { expect } from 'chai'
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import type { BlobStorage } from '../../../application/ports/blobs'
import { infrastructureFailure, type InfrastructureFailure } from '../../../domain/errors'
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

  /** A store whose puts land only when `land()` is called, failing with `refuse` set. */
  const heldStore = () => {
    const inner = store()
    const held: (() => void)[] = []
    let refuse = false
    const s: BlobStorage = {
      ...inner.s,
      put: (key, bytes, contentType, options): TE.TaskEither<InfrastructureFailure, void> => () =>
        new Promise((resolve) => held.push(() => {
          if (refuse) return resolve(E.left(infrastructureFailure(`put ${key}`)(new Error('disk full'))))
          void inner.s.put(key, bytes, contentType, options)().then(resolve)
        })),
    }
    return { ...inner, s, land: () => held.splice(0).forEach((f) => f()), held, refuseWrites: () => { refuse = true } }
  }

  it('answers a put before the store has the bytes, serves them meanwhile, and flush waits for the write', async () => {
    const { s, blobs, land, held } = heldStore()
    const cache = makeThumbnailBytesCache({ maxBytes: 1024 })
    const cached = cache.wrap(s)
    expect(await cached.put('i1/200', Buffer.from('rendered'), 'image/jpeg')()).to.deep.equal(E.right(undefined))
    expect(held, 'the store is still writing').to.have.length(1)
    expect(blobs.has('i1/200')).to.equal(false)
    expect((await bytesOf(cached, 'i1/200')).toString()).to.equal('rendered')
    expect(await cached.exists('i1/200')()).to.deep.equal(E.right(true))
    let flushed = false
    const flushing = cache.flush().then(() => { flushed = true })
    await new Promise((resolve) => setImmediate(resolve))
    expect(flushed, 'flush waits for the write').to.equal(false)
    land()
    await flushing
    expect(blobs.get('i1/200')?.toString()).to.equal('rendered')
  })

  it('serves a thumbnail still being written even when the LRU has let it go', async () => {
    const { s, land } = heldStore()
    const cache = makeThumbnailBytesCache({ maxBytes: 800 })
    const cached = cache.wrap(s)
    await cached.put('i0/200', Buffer.alloc(100, 7), 'image/jpeg')()
    for (let i = 1; i <= 10; i++) await cached.put(`i${i}/200`, Buffer.alloc(100, i), 'image/jpeg')()
    expect(cache.has('i0/200'), 'the LRU let it go').to.equal(false)
    expect((await bytesOf(cached, 'i0/200')).equals(Buffer.alloc(100, 7))).to.equal(true)
    land()
    await cache.flush()
  })

  it('takes a thumbnail the store refused out of memory and reports it, so the next request renders it again', async () => {
    const { s, blobs, land, refuseWrites } = heldStore()
    const failures: string[] = []
    const cache = makeThumbnailBytesCache({ maxBytes: 1024, onWriteBehindFailure: (key, f) => failures.push(`${key}: ${f.what}`) })
    const cached = cache.wrap(s)
    await cached.put('i1/200', Buffer.from('rendered'), 'image/jpeg')()
    refuseWrites()
    land()
    await cache.flush()
    expect(failures).to.deep.equal(['i1/200: put i1/200'])
    expect(cache.has('i1/200')).to.equal(false)
    expect(await cached.exists('i1/200')()).to.deep.equal(E.right(false))
    expect(blobs.has('i1/200')).to.equal(false)
  })

  it('a listing waits for the writes under its prefix, so it shows what was answered', async () => {
    const { s, land } = heldStore()
    const cached = makeThumbnailBytesCache({ maxBytes: 1024 }).wrap(s)
    await cached.put('i1/200', Buffer.from('rendered'), 'image/jpeg')()
    let listed = false
    const listing = cached.list('i1/')().then((r) => { listed = true; return r })
    await new Promise((resolve) => setImmediate(resolve))
    expect(listed).to.equal(false)
    land()
    expect(E.isRight(await listing)).to.equal(true)
  })

  it('a delete waits for the writes it covers, so no thumbnail lands after it', async () => {
    const { s, blobs, land } = heldStore()
    const cache = makeThumbnailBytesCache({ maxBytes: 1024 })
    const cached = cache.wrap(s)
    await cached.put('i1/200', Buffer.from('rendered'), 'image/jpeg')()
    const deleting = cached.deletePrefix('i1/')()
    await new Promise((resolve) => setImmediate(resolve))
    expect(await cached.exists('i1/200')(), 'no longer served while the delete waits').to.deep.equal(E.right(false))
    land()
    expect(await deleting).to.deep.equal(E.right(1))
    expect(blobs.has('i1/200')).to.equal(false)
  })

  it('waits for the store when memory cannot hold the thumbnail (too big, or a budget of 0)', async () => {
    for (const [maxBytes, size] of [[800, 200], [0, 10]] as const) {
      const { s, blobs, land } = heldStore()
      const cached = makeThumbnailBytesCache({ maxBytes }).wrap(s)
      let answered = false
      const putting = cached.put('i1/200', Buffer.alloc(size), 'image/jpeg')().then(() => { answered = true })
      await new Promise((resolve) => setImmediate(resolve))
      expect(answered, `budget ${maxBytes}, ${size} bytes`).to.equal(false)
      land()
      await putting
      expect(blobs.has('i1/200')).to.equal(true)
    }
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
