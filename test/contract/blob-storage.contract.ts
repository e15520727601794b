import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import type { BlobStorage } from '../../application/ports/blobs'
import { stageBlob } from '../../application/stage-blob'

export interface BlobStorageHarness {
  readonly storage: BlobStorage
  /** Whether this adapter hands out presigned URLs (S3) or must not pretend to (filesystem). */
  readonly presigns: boolean
  /**
   * Whether the store behind the adapter replaces an object whole (S3, our filesystem
   * adapter's rename). s3rver, the in-process stand-in, writes in place and can tear.
   */
  readonly atomicPuts: boolean
  close(): Promise<void>
}

export const run = async <L, A>(te: TE.TaskEither<L, A>): Promise<A> => {
  const r = await te()
  if (E.isLeft(r)) expect.fail(`expected success, got ${JSON.stringify(r.left, (_, v: unknown) => (v instanceof Error ? v.message : v))}`)
  return r.right
}

export const runLeft = async <L, A>(te: TE.TaskEither<L, A>): Promise<L> => {
  const r = await te()
  if (E.isRight(r)) expect.fail(`expected a failure, got ${JSON.stringify(r.right)}`)
  return r.left
}

export const blobStorageContract = (name: string, make: () => Promise<BlobStorageHarness>) =>
  describe(`BlobStorage contract: ${name}`, function () {
    let h: BlobStorageHarness
    let ns: string
    before(async () => {
      h = await make()
    })
    after(async () => h?.close())
    // Each test in its own namespace, so tests never see each other's keys.
    beforeEach(() => {
      ns = `t${randomBytes(4).toString('hex')}`
    })

    it('stores the same bytes and type when told which thumbnails to render eagerly', async () => {
      const bytes = randomBytes(2_000)
      await run(h.storage.put(`${ns}/eager`, bytes, 'image/jpeg', { eagerThumbnailHeights: [200, 400] }))
      const blob = await run(h.storage.get(`${ns}/eager`))
      expect(blob.contentType).to.equal('image/jpeg')
      expect(Buffer.compare(blob.bytes, bytes)).to.equal(0)
    })

    it('tells when a blob was written; missing → BlobNotFound', async () => {
      const before = Date.now()
      await run(h.storage.put(`${ns}/dated`, Buffer.from('x'), 'text/plain'))
      const at = (await run(h.storage.modifiedAt(`${ns}/dated`))).getTime()
      // Store clocks (S3 keeps whole seconds) may differ a little from ours.
      expect(at).to.be.within(before - 5_000, Date.now() + 5_000)
      expect(await runLeft(h.storage.modifiedAt(`${ns}/undated`))).to.deep.equal({ _tag: 'BlobNotFound', key: `${ns}/undated` })
    })

    it('streams a blob with open: the same bytes, length and type as get; missing → BlobNotFound', async () => {
      const bytes = randomBytes(300_000)
      await run(h.storage.put(`${ns}/streamed`, bytes, 'image/png'))
      const blob = await run(h.storage.open(`${ns}/streamed`))
      expect(blob).to.include({ length: bytes.length, contentType: 'image/png' })
      const chunks: Buffer[] = []
      for await (const chunk of blob.body) chunks.push(Buffer.from(chunk))
      expect(Buffer.compare(Buffer.concat(chunks), bytes)).to.equal(0)
      expect(await runLeft(h.storage.open(`${ns}/never-written`))).to.deep.equal({ _tag: 'BlobNotFound', key: `${ns}/never-written` })
    })

    it('returns what was put, byte for byte, with its content type', async () => {
      const bytes = randomBytes(70_000) // every byte value, newlines and NULs included
      await run(h.storage.put(`${ns}/a`, bytes, 'image/png'))
      const blob = await run(h.storage.get(`${ns}/a`))
      expect(blob.contentType).to.equal('image/png')
      expect(Buffer.compare(blob.bytes, bytes)).to.equal(0)
    })

    it('keeps an empty blob, and keys with spaces, plus signs and non-ASCII', async () => {
      for (const key of [`${ns}/empty`, `${ns}/with space+plus`, `${ns}/ünïcødé/ß`, `${ns}/pct%41(1)`]) {
        await run(h.storage.put(key, Buffer.from(key), 'text/plain'))
        expect((await run(h.storage.get(key))).bytes.toString(), key).to.equal(key)
      }
      await run(h.storage.put(`${ns}/zero`, Buffer.alloc(0), 'application/octet-stream'))
      expect((await run(h.storage.get(`${ns}/zero`))).bytes.length).to.equal(0)
    })

    it('replaces a blob on a second put', async () => {
      await run(h.storage.put(`${ns}/k`, Buffer.from('one'), 'text/plain'))
      await run(h.storage.put(`${ns}/k`, Buffer.from('two'), 'image/jpeg'))
      const blob = await run(h.storage.get(`${ns}/k`))
      expect([blob.bytes.toString(), blob.contentType]).to.deep.equal(['two', 'image/jpeg'])
    })

    it('answers BlobNotFound for a missing key', async () => {
      expect(await runLeft(h.storage.get(`${ns}/missing`))).to.deep.equal({ _tag: 'BlobNotFound', key: `${ns}/missing` })
    })

    it('tells whether a key exists', async () => {
      await run(h.storage.put(`${ns}/here`, Buffer.from('x'), 'text/plain'))
      expect(await run(h.storage.exists(`${ns}/here`))).to.equal(true)
      expect(await run(h.storage.exists(`${ns}/gone`))).to.equal(false)
      // A "folder" of other keys is not itself a blob.
      expect(await run(h.storage.exists(ns))).to.equal(false)
    })

    it('deletes idempotently', async () => {
      await run(h.storage.put(`${ns}/d`, Buffer.from('x'), 'text/plain'))
      await run(h.storage.delete(`${ns}/d`))
      await run(h.storage.delete(`${ns}/d`))
      await run(h.storage.delete(`${ns}/never-was`))
      expect((await runLeft(h.storage.get(`${ns}/d`)))._tag).to.equal('BlobNotFound')
    })

    it('holds a key and keys below it side by side (an original and its thumbnails)', async () => {
      await run(h.storage.put(`${ns}/img`, Buffer.from('original'), 'image/jpeg'))
      await run(h.storage.put(`${ns}/img/200`, Buffer.from('thumb'), 'image/jpeg'))
      expect((await run(h.storage.get(`${ns}/img`))).bytes.toString()).to.equal('original')
      expect((await run(h.storage.get(`${ns}/img/200`))).bytes.toString()).to.equal('thumb')
    })

    it('lists and deletes by prefix, leaving every other key alone', async () => {
      const keys = [`${ns}/img`, `${ns}/img/200`, `${ns}/img/400`, `${ns}/img2/200`, `${ns}/other`]
      for (const k of keys) await run(h.storage.put(k, Buffer.from(k), 'text/plain'))
      expect([...(await run(h.storage.list(`${ns}/img/`)))].sort()).to.deep.equal([`${ns}/img/200`, `${ns}/img/400`])
      expect([...(await run(h.storage.list(`${ns}/img`)))].sort()).to.deep.equal([`${ns}/img`, `${ns}/img/200`, `${ns}/img/400`, `${ns}/img2/200`])
      expect(await run(h.storage.list(`${ns}/nothing/`))).to.deep.equal([])
      expect(await run(h.storage.deletePrefix(`${ns}/img/`))).to.equal(2)
      expect([...(await run(h.storage.list(`${ns}/`)))].sort()).to.deep.equal([`${ns}/img`, `${ns}/img2/200`, `${ns}/other`])
      expect(await run(h.storage.deletePrefix(`${ns}/img/`))).to.equal(0)
      // A new thumbnail after a prefix delete still lands (the folder may have been pruned).
      await run(h.storage.put(`${ns}/img/200`, Buffer.from('again'), 'text/plain'))
      expect((await run(h.storage.get(`${ns}/img/200`))).bytes.toString()).to.equal('again')
    })

    it('stages bytes out of sight; a commit makes them the blob, as a put would', async () => {
      const bytes = randomBytes(300_000)
      const staged = await run(stageBlob(h.storage, `${ns}/staged`, bytes, 'image/jpeg', { eagerThumbnailHeights: [200] }))
      expect(await run(h.storage.exists(`${ns}/staged`)), 'visible before its commit').to.equal(false)
      expect(await run(h.storage.list(`${ns}/`))).to.deep.equal([])
      expect(await runLeft(h.storage.get(`${ns}/staged`))).to.deep.equal({ _tag: 'BlobNotFound', key: `${ns}/staged` })
      await run(staged.commit())
      const blob = await run(h.storage.get(`${ns}/staged`))
      expect(blob.contentType).to.equal('image/jpeg')
      expect(Buffer.compare(blob.bytes, bytes)).to.equal(0)
      expect(await run(h.storage.list(`${ns}/`))).to.deep.equal([`${ns}/staged`])
    })

    it('leaves nothing of a discarded stage, not even a partial file for the sweep', async () => {
      const staged = await run(stageBlob(h.storage, `${ns}/refused/0`, randomBytes(10_000), 'image/png'))
      await run(staged.discard())
      expect(await run(h.storage.exists(`${ns}/refused/0`))).to.equal(false)
      expect(await run(h.storage.list(`${ns}/`))).to.deep.equal([])
      // Whatever a sweep would find as a partial file older than "a minute from now" is debris.
      if (h.storage.removeTemporaries) expect(await run(h.storage.removeTemporaries(new Date(Date.now() + 60_000)))).to.equal(0)
    })

    it('refuses a key that could escape its namespace when staging, or at the latest on commit', async () => {
      for (const key of ['../escape', `${ns}/../../escape`]) {
        const staged = await stageBlob(h.storage, key, Buffer.from('x'), 'text/plain')()
        // A store without a stage of its own defers its put, and so its refusal, to the commit.
        const refused = E.isLeft(staged) ? staged.left : await runLeft(staged.right.commit())
        expect(refused._tag).to.equal('InfrastructureFailure')
      }
    })

    it('ends concurrent puts of one key with one whole value', async function () {
      if (!h.atomicPuts) {
        console.warn(`      ⚠ ${this.test?.title}: DID NOT RUN: the stand-in S3 (s3rver) writes objects in place; a real S3 (TEST_S3_ENDPOINT) runs it`)
        this.skip()
      }
      const values = Array.from({ length: 6 }, (_, i) => Buffer.alloc(100_000 + i * 1000, i + 1))
      await Promise.all(values.map((v) => run(h.storage.put(`${ns}/race`, v, 'application/octet-stream'))))
      const got = (await run(h.storage.get(`${ns}/race`))).bytes
      expect(values.some((v) => Buffer.compare(v, got) === 0), `a torn or mixed value of ${got.length} bytes`).to.equal(true)
      expect(await run(h.storage.list(`${ns}/`))).to.deep.equal([`${ns}/race`])
    })

    it('refuses keys that could escape their namespace', async () => {
      for (const key of ['../escape', `${ns}/../../escape`, '/etc/passwd', `${ns}//double`, `${ns}/./dot`, '', `${ns}\\win`, `${ns}/nul\u0000`]) {
        expect((await runLeft(h.storage.put(key, Buffer.from('x'), 'text/plain')))._tag, JSON.stringify(key)).to.equal('InfrastructureFailure')
        expect((await runLeft(h.storage.get(key)))._tag, JSON.stringify(key)).to.equal('InfrastructureFailure')
      }
    })

    it('answers ping', async () => {
      await run(h.storage.ping())
    })

    it('presigns GETs exactly when it can', async () => {
      expect(h.storage.presignGet !== undefined).to.equal(h.presigns)
      if (h.storage.presignGet === undefined) return
      const bytes = randomBytes(2048)
      await run(h.storage.put(`${ns}/p q+r`, bytes, 'application/octet-stream'))
      const url = await run(h.storage.presignGet(`${ns}/p q+r`, 300, { contentType: 'image/png', cacheControl: 'private, max-age=300' }))
      const res = await fetch(url)
      expect(res.status).to.equal(200)
      expect(res.headers.get('content-type')).to.equal('image/png')
      expect(res.headers.get('cache-control')).to.equal('private, max-age=300')
      expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), bytes)).to.equal(0)
    })
  })
