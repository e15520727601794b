import { expect } from 'chai'
import sharp from 'sharp'
import type { BlobStorage } from '../../application/ports/blobs'
import { decompressionBombPng, jpegOrientation6, jpegWithGps, makeJpeg, makePng, truncated, unsupportedSamples } from '../support/images'
import { Client, expectProblem, sansRequestId } from '../support/http'
import { E2E_BACKENDS, startTestServer, type TestServer } from '../support/server'

for (const backend of E2E_BACKENDS) {
  describe(`images over HTTP (${backend})`, function () {
    this.timeout(60_000)
    let server: TestServer
    let api: Client
    let adminToken: string
    let enterprise: Awaited<ReturnType<Client['newUser']>>

    before(async () => {
      server = await startTestServer({ backend })
      api = new Client(server.url)
      adminToken = await api.login(server.admin.username, server.admin.password)
      enterprise = await api.newUser(adminToken, 'Enterprise')
    })
    after(() => server?.close())

    describe('upload', () => {
      it('stores a JPEG byte-identical, names it after the file, and answers 201 with Location', async () => {
        const bytes = await makeJpeg({ width: 300, height: 200 })
        const r = await api.upload(enterprise.token, bytes, 'holiday.beach.jpg')
        expect(r.status).to.equal(201)
        expect(r.headers.get('location')).to.equal(`${server.url}/images/${r.json.id}`)
        expect(r.json).to.include({ name: 'holiday.beach', format: 'jpeg', width: 300, height: 200, bytes: bytes.length })
        expect(new Date(r.json.createdAt).toISOString()).to.equal(r.json.createdAt)
        const original = await api.get(`/images/${r.json.id}/original`, enterprise.token)
        expect(original.status).to.equal(200)
        expect(original.headers.get('content-type')).to.equal('image/jpeg')
        expect(Buffer.compare(original.body, bytes)).to.equal(0)
      })

      it('decides the format by the bytes: a PNG called .jpg is a png; the given name wins; blank name falls back', async () => {
        const png = await makePng({ width: 64, height: 32, alpha: true })
        const r = await api.upload(enterprise.token, png, 'fake.jpg', { name: '  My chart  ' }, 'image/jpeg')
        expect(r.status).to.equal(201)
        expect(r.json).to.include({ format: 'png', name: 'My chart', width: 64, height: 32 })
        const blank = await api.upload(enterprise.token, png, 'fallback.png', { name: '   ' })
        expect(blank.json.name).to.equal('fallback')
      })

      it('reports the displayed size of an EXIF-rotated JPEG', async () => {
        const r = await api.upload(enterprise.token, await jpegOrientation6(), 'rotated.jpg')
        expect(r.status).to.equal(201)
        expect(r.json).to.include({ width: 40, height: 60 })
      })

      it('refuses what is not a whole JPEG or PNG, each with its own code', async () => {
        expectProblem(await api.upload(enterprise.token, Buffer.alloc(0), 'empty.jpg'), 400, 'file_required')
        const form = new FormData()
        form.append('name', 'no file')
        const noFile = await fetch(`${server.url}/images`, { method: 'POST', body: form, headers: { authorization: `Bearer ${enterprise.token}` } })
        expect(noFile.status).to.equal(400)
        expect(await noFile.json()).to.include({ code: 'file_required' })
        const wrongField = new FormData()
        wrongField.append('file', new Blob([await makeJpeg({ width: 8, height: 8 })]), 'a.jpg')
        const misnamed = await fetch(`${server.url}/images`, { method: 'POST', body: wrongField, headers: { authorization: `Bearer ${enterprise.token}` } })
        expect(misnamed.status).to.equal(400)
        expect(await misnamed.json()).to.include({ code: 'file_required' })
        for (const sample of await unsupportedSamples()) {
          expectProblem(await api.upload(enterprise.token, sample.bytes, `${sample.name}.png`), 415, 'unsupported_image_format')
        }
        expectProblem(await api.upload(enterprise.token, truncated(await makeJpeg({ width: 400, height: 300 })), 'cut.jpg'), 422, 'image_unreadable')
        expectProblem(await api.upload(enterprise.token, decompressionBombPng(), 'bomb.png'), 422, 'image_too_many_pixels')
        const list = await api.get('/images?limit=100', enterprise.token)
        expect(list.json.results.map((i: { name: string }) => i.name)).not.to.include.members(['cut', 'bomb'])
      })

      it('answers 413 file_too_large above the upload limit', async () => {
        const small = await startTestServer({ backend: 'embedded', env: { IMGTIER_MAX_UPLOAD_BYTES: '2000' } })
        try {
          const c = new Client(small.url)
          const token = await c.login(small.admin.username, small.admin.password)
          expectProblem(await c.upload(token, Buffer.alloc(5000, 0xff), 'big.jpg'), 413, 'file_too_large')
          expect((await c.get('/healthz')).status).to.equal(200)
        } finally {
          await small.close()
        }
      })

      it('needs authentication first: 401 with WWW-Authenticate, before the body is looked at', async () => {
        const r = await api.upload('not-a-token', Buffer.from('x'))
        expectProblem(r, 401, 'unauthorized')
        expect(r.headers.get('www-authenticate')).to.match(/^Bearer/)
      })
    })

    describe('list, get, delete', () => {
      let user: Awaited<ReturnType<Client['newUser']>>
      const ids: string[] = []

      before(async () => {
        user = await api.newUser(adminToken, 'Basic')
        const jpeg = await makeJpeg({ width: 20, height: 20 })
        for (let i = 0; i < 5; i++) {
          server.clock.advance(1000)
          ids.push((await api.upload(user.token, jpeg, `n${i}.jpg`)).json.id)
        }
      })

      it('pages newest first with absolute next/previous and the envelope', async () => {
        const first = await api.get('/images?limit=2', user.token)
        expect(first.status).to.equal(200)
        expect(Object.keys(first.json)).to.have.members(['count', 'next', 'previous', 'results'])
        expect(first.json.count).to.equal(5)
        expect(first.json.results.map((i: { id: string }) => i.id)).to.deep.equal([ids[4], ids[3]])
        expect(first.json.previous).to.equal(null)
        expect(first.json.next).to.equal(`${server.url}/images?limit=2&offset=2`)
        const last = await api.get('/images?limit=2&offset=4', user.token)
        expect(last.json.results.map((i: { id: string }) => i.id)).to.deep.equal([ids[0]])
        expect(last.json.next).to.equal(null)
        expect(last.json.previous).to.equal(`${server.url}/images?limit=2&offset=2`)
        const all = await api.get('/images', user.token)
        expect(all.json.results).to.have.length(5)
      })

      it('walks keyset pages with opaque cursors, forwards and back', async () => {
        const first = await api.get('/images?limit=2&cursor=', user.token)
        expect(first.json.results.map((i: { id: string }) => i.id)).to.deep.equal([ids[4], ids[3]])
        expect(first.json.previous).to.equal(null)
        const second = await api.get(new URL(first.json.next).pathname + new URL(first.json.next).search, user.token)
        expect(second.json.results.map((i: { id: string }) => i.id)).to.deep.equal([ids[2], ids[1]])
        const back = await api.get(new URL(second.json.previous).pathname + new URL(second.json.previous).search, user.token)
        expect(back.json.results.map((i: { id: string }) => i.id)).to.deep.equal([ids[4], ids[3]])
        expectProblem(await api.get('/images?cursor=bogus', user.token), 400, 'invalid_request')
      })

      it('refuses bad limits and offsets with invalid_request naming the field', async () => {
        for (const q of ['limit=0', 'limit=101', 'limit=abc', 'limit=1.5', 'offset=-1', 'limit=']) {
          const r = await api.get(`/images?${q}`, user.token)
          expectProblem(r, 400, 'invalid_request')
          expect(r.json.errors[0].path).to.be.oneOf(['limit', 'offset'])
        }
      })

      it("answers another user's image exactly like a missing one", async () => {
        const other = await api.newUser(adminToken, 'Enterprise')
        const theirs = await api.get(`/images/${ids[0]}`, other.token)
        const missing = await api.get('/images/00000000-0000-4000-8000-000000000000', other.token)
        expectProblem(theirs, 404, 'not_found')
        expect(sansRequestId(theirs.json)).to.deep.equal(sansRequestId(missing.json))
        for (const path of [`/images/${ids[0]}/thumbnails/200`, `/images/${ids[0]}/original`]) expectProblem(await api.get(path, other.token), 404, 'not_found')
        expectProblem(await api.delete(`/images/${ids[0]}`, other.token), 404, 'not_found')
        expectProblem(await api.post(`/images/${ids[0]}/original/expiring-links`, { expiresIn: 300 }, other.token), 404, 'not_found')
        expectProblem(await api.get('/images/not-a-uuid', other.token), 404, 'not_found')
      })

      it('gets one image, and deletes it with its blobs', async () => {
        const id = ids[1]
        const one = await api.get(`/images/${id}`, user.token)
        expect(one.json.id).to.equal(id)
        expect((await api.get(`/images/${id}/thumbnails/200`, user.token)).status).to.equal(200)
        const before = await blobCount(server)
        expect((await api.delete(`/images/${id}`, user.token)).status).to.equal(204)
        expect(await blobCount(server)).to.equal(before - 2) // the original and its one thumbnail
        expectProblem(await api.get(`/images/${id}`, user.token), 404, 'not_found')
        expectProblem(await api.delete(`/images/${id}`, user.token), 404, 'not_found')
      })
    })

    describe('thumbnails', () => {
      let imageId: string

      before(async () => {
        const bytes = await makeJpeg({ width: 900, height: 600, gps: true })
        imageId = (await api.upload(enterprise.token, bytes, 'big.jpg')).json.id
      })

      it('renders height exactly H, proportional width, same format, no metadata, then caches', async () => {
        const rendersBefore = server.renders()
        const r = await api.get(`/images/${imageId}/thumbnails/200`, enterprise.token)
        expect(r.status).to.equal(200)
        expect(r.headers.get('content-type')).to.equal('image/jpeg')
        const meta = await sharp(r.body).metadata()
        expect(meta).to.include({ format: 'jpeg', height: 200, width: 300 })
        expect(meta.exif, 'EXIF (GPS!) stripped').to.equal(undefined)
        expect(meta.icc).to.equal(undefined)
        const again = await api.get(`/images/${imageId}/thumbnails/200`, enterprise.token)
        expect(Buffer.compare(again.body, r.body)).to.equal(0)
        expect(server.renders() - rendersBefore).to.equal(1)
      })

      it('applies EXIF orientation and never upscales', async () => {
        const rotated = (await api.upload(enterprise.token, await jpegOrientation6(), 'r.jpg')).json.id
        const t = await api.get(`/images/${rotated}/thumbnails/200`, enterprise.token)
        const meta = await sharp(t.body).metadata()
        expect(meta).to.include({ width: 40, height: 60 }) // shorter than 200: re-encoded at its own (displayed) size
        expect(meta.orientation ?? 1).to.equal(1)
        const gps = (await api.upload(enterprise.token, await jpegWithGps(), 'gps.jpg')).json.id
        const g = await sharp((await api.get(`/images/${gps}/thumbnails/200`, enterprise.token)).body).metadata()
        expect(g.exif).to.equal(undefined)
      })

      it('keeps PNG as PNG', async () => {
        const id = (await api.upload(enterprise.token, await makePng({ width: 800, height: 400, alpha: true }), 'a.png')).json.id
        const t = await api.get(`/images/${id}/thumbnails/400`, enterprise.token)
        expect(t.headers.get('content-type')).to.equal('image/png')
        expect(await sharp(t.body).metadata()).to.include({ format: 'png', width: 800, height: 400 })
      })

      it('renders once for N concurrent first requests', async () => {
        const id = (await api.upload(enterprise.token, await makeJpeg({ width: 1200, height: 800 }), 'c.jpg')).json.id
        const before = server.renders()
        const replies = await Promise.all(Array.from({ length: 12 }, () => api.get(`/images/${id}/thumbnails/400`, enterprise.token)))
        expect(replies.map((r) => r.status)).to.deep.equal(Array(12).fill(200))
        expect(new Set(replies.map((r) => r.body.toString('base64'))).size).to.equal(1)
        expect(server.renders() - before).to.equal(1)
      })

      it('answers ETag, 304 on If-None-Match, and HEAD without a body', async () => {
        const r = await api.get(`/images/${imageId}/thumbnails/400`, enterprise.token)
        const etag = r.headers.get('etag')
        expect(etag).to.match(/^"[^"]+"$/)
        const cached = await api.get(`/images/${imageId}/thumbnails/400`, enterprise.token, { 'if-none-match': etag ?? '' })
        expect(cached.status).to.equal(304)
        expect(cached.body.length).to.equal(0)
        const head = await api.head(`/images/${imageId}/thumbnails/400`, enterprise.token)
        expect(head.status).to.equal(200)
        expect(head.headers.get('content-length')).to.equal(String(r.body.length))
        expect(head.body.length).to.equal(0)
        expect((await api.head(`/images/${imageId}/original`, enterprise.token)).status).to.equal(200)
      })

      it('checks ownership, then tier (403), then input (400)', async () => {
        expectProblem(await api.get(`/images/${imageId}/thumbnails/300`, enterprise.token), 403, 'tier_forbids_size')
        for (const bad of ['abc', '200.5', '-200', '0200', '0']) {
          expectProblem(await api.get(`/images/${imageId}/thumbnails/${bad}`, enterprise.token), 400, 'invalid_height')
        }
        expectProblem(await api.get('/images/00000000-0000-4000-8000-000000000000/thumbnails/abc', enterprise.token), 404, 'not_found')
      })
    })
  })
}

/** Every blob of the server: files under the data dir, or objects in its buckets. */
export const blobCount = async (server: TestServer): Promise<number> => {
  const { originals, thumbnails } = server.imgtier.deps
  const count = async (store: BlobStorage) => {
    const listed = await store.list('')()
    if (listed._tag === 'Left') throw new Error('list failed')
    return listed.right.length
  }
  return (await count(originals)) + (await count(thumbnails))
}
