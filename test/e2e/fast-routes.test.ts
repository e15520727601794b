import { expect } from 'chai'
import { Client, request, sansRequestId, type Reply } from '../support/http'
import { makeJpeg } from '../support/images'
import { startTestServer, type TestServer } from '../support/server'
import { multipartBody, type Part } from './security/support/debris'

/**
 * The hottest routes are answered before Koa when they can be (adapters/http/fast-routes.ts).
 * The same request with a query string goes the long way, through Koa (these routes read
 * no query): both ways must give the same answer, header for header.
 */

const MAX_UPLOAD = 256 * 1024

/** What may differ between two answers to the same request: when, on which connection, which request. */
const PER_REQUEST = new Set(['date', 'connection', 'keep-alive', 'x-request-id'])

/** An answer's headers, less those that differ from request to request. */
const headersOf = (r: Reply) => Object.fromEntries([...r.headers].filter(([name]) => !PER_REQUEST.has(name)))

const sameAnswer = (fast: Reply, koa: Reply, what: string): void => {
  expect(fast.status, what).to.equal(koa.status)
  expect(headersOf(fast), what).to.deep.equal(headersOf(koa))
  if (fast.json !== undefined) {
    expect(sansRequestId(fast.json), what).to.deep.equal(sansRequestId(koa.json))
    expect(fast.json.requestId, what).to.equal(fast.headers.get('x-request-id'))
  } else expect(fast.body.equals(koa.body), `${what}: body`).to.equal(true)
}

for (const cors of [false, true]) {
  describe(`e2e: the hot routes answer alike before Koa and through it${cors ? ' (CORS origins configured)' : ''}`, function () {
    this.timeout(60_000)
    let server: TestServer
    let client: Client
    let enterprise: { token: string }
    let basic: { token: string }
    let imageId: string
    let basicImageId: string
    let linkPath: string
    let originalLinkPath: string

    /** The request as given (the fast path takes it), then with a query string (Koa answers it). */
    const both = async (path: string, o: { token?: string; method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<[Reply, Reply]> => {
      const fast = await request(`${server.url}${path}`, o)
      const koa = await request(`${server.url}${path}?via=koa`, o)
      return [fast, koa]
    }

    before(async () => {
      server = await startTestServer({ env: { IMGTIER_MAX_UPLOAD_BYTES: String(MAX_UPLOAD), ...(cors ? { IMGTIER_CORS_ORIGINS: 'https://app.example.com' } : {}) } })
      client = new Client(server.url)
      const adminToken = await client.login(server.admin.username, server.admin.password)
      enterprise = await client.newUser(adminToken, 'Enterprise')
      basic = await client.newUser(adminToken, 'Basic')
      imageId = (await client.upload(enterprise.token, await makeJpeg({ width: 64, height: 48 }))).json.id
      basicImageId = (await client.upload(basic.token, await makeJpeg({ width: 16, height: 16 }))).json.id
      linkPath = new URL((await client.post(`/images/${imageId}/thumbnails/200/expiring-links`, { expiresIn: 600 }, enterprise.token)).json.url).pathname
      originalLinkPath = new URL((await client.post(`/images/${imageId}/original/expiring-links`, { expiresIn: 600 }, enterprise.token)).json.url).pathname
      // Rendered once, so that both ways read the same cached thumbnail.
      expect((await client.get(`/images/${imageId}/thumbnails/200`, enterprise.token)).status).to.equal(200)
    })
    after(() => server?.close())

    it('an owner\'s thumbnail and original: bytes, HEAD and 304', async () => {
      for (const variant of ['thumbnails/200', 'original']) {
        const path = `/images/${imageId}/${variant}`
        const [fast, koa] = await both(path, { token: enterprise.token })
        expect(fast.status).to.equal(200)
        expect(fast.headers.get('content-type')).to.equal('image/jpeg')
        expect(fast.headers.get('x-content-type-options')).to.equal('nosniff') // once, not twice
        sameAnswer(fast, koa, `GET ${variant}`)
        sameAnswer(...await both(path, { token: enterprise.token, method: 'HEAD' }), `HEAD ${variant}`)
        const etag = fast.headers.get('etag') ?? ''
        const [notModified, koaNotModified] = await both(path, { token: enterprise.token, headers: { 'if-none-match': etag } })
        expect(notModified.status).to.equal(304)
        sameAnswer(notModified, koaNotModified, `304 ${variant}`)
      }
    })

    it('an expiring link: bytes, HEAD, 304, and a forged token', async () => {
      for (const path of [linkPath, originalLinkPath]) {
        const [fast, koa] = await both(path)
        expect(fast.status).to.equal(200)
        expect(fast.headers.get('cache-control')).to.match(/^private, max-age=\d+$/)
        // The max-age counts down by the second: both ways are asked within the same one, or asked again.
        const again = fast.headers.get('cache-control') === koa.headers.get('cache-control') ? [fast, koa] as const : await both(path)
        sameAnswer(again[0], again[1], `GET ${path}`)
        const etag = fast.headers.get('etag') ?? ''
        const [notModified, koaNotModified] = await both(path, { headers: { 'if-none-match': etag } })
        expect(notModified.status).to.equal(304)
        if (notModified.headers.get('cache-control') === koaNotModified.headers.get('cache-control')) sameAnswer(notModified, koaNotModified, `304 ${path}`)
      }
      const forged = `${linkPath.slice(0, -4)}AAAA`
      const [fast, koa] = await both(forged)
      expect(fast.status).to.equal(403)
      sameAnswer(fast, koa, 'forged link')
    })

    it('problems: no such image, a height or an original the tier forbids, a bad height, a bad token', async () => {
      const cases: [string, string, string | undefined, number][] = [
        ['missing image', `/images/00000000-0000-4000-8000-000000000000/thumbnails/200`, enterprise.token, 404],
        ['another owner\'s image', `/images/${imageId}/thumbnails/200`, basic.token, 404],
        ['bad height', `/images/${imageId}/thumbnails/abc`, enterprise.token, 400],
        ['height the tier forbids', `/images/${imageId}/thumbnails/123`, enterprise.token, 403],
        ['bad token', `/images/${imageId}/thumbnails/200`, 'not-a-token', 401],
      ]
      for (const [what, path, token, status] of cases) {
        const [fast, koa] = await both(path, { token })
        expect(fast.status, what).to.equal(status)
        sameAnswer(fast, koa, what)
      }
    })

    it('creating an expiring link: created, and every refusal, in the same order and words', async () => {
      const json = { 'content-type': 'application/json' }
      const link = `/images/${imageId}/thumbnails/200/expiring-links`
      const [fast, koa] = await both(link, { token: enterprise.token, method: 'POST', headers: json, body: '{"expiresIn":600}' })
      expect([fast.status, koa.status]).to.deep.equal([201, 201])
      expect(headersOf(fast)).to.deep.equal(headersOf(koa))
      expect(Object.keys(fast.json)).to.deep.equal(['url', 'expiresAt'])
      expect(fast.json.url).to.match(new RegExp(`^${server.url}/links/`))
      expect((await request(fast.json.url)).status).to.equal(200)
      const cases: [string, string, string, string, Record<string, string>, number][] = [
        ['expiry out of range', link, enterprise.token, '{"expiresIn":5}', json, 400],
        ['expiry as text', link, enterprise.token, '{"expiresIn":"600"}', json, 400],
        ['an array', link, enterprise.token, '[600]', json, 400],
        ['an unknown field', link, enterprise.token, '{"expiresIn":600,"extra":true}', json, 400],
        ['malformed JSON', link, enterprise.token, '{"expiresIn":', json, 400],
        ['not an object', link, enterprise.token, '600', json, 400],
        ['a __proto__ key', link, enterprise.token, '{"__proto__":{"admin":true},"expiresIn":600}', json, 400],
        ['a charset', link, enterprise.token, '{"expiresIn":600,"x":1}', { 'content-type': 'application/json; charset=utf-8' }, 400],
        ['no such image', '/images/00000000-0000-4000-8000-000000000000/original/expiring-links', enterprise.token, '{"expiresIn":600}', json, 404],
        ['a bad height', `/images/${imageId}/thumbnails/abc/expiring-links`, enterprise.token, '{"expiresIn":600}', json, 400],
        ['a height the tier forbids', `/images/${imageId}/thumbnails/123/expiring-links`, enterprise.token, '{"expiresIn":600}', json, 403],
        ['a tier without links', `/images/${basicImageId}/original/expiring-links`, basic.token, '{"expiresIn":600}', json, 403],
        ['a bad token', link, 'not-a-token', '{"expiresIn":600}', json, 401],
      ]
      for (const [what, path, token, body, extra, status] of cases) {
        const [f, k] = await both(path, { token, method: 'POST', headers: extra, body })
        expect(f.status, what).to.equal(status)
        sameAnswer(f, k, what)
      }
    })

    it('uploading: created alike, and every refusal in the same order and words', async () => {
      const jpeg = await makeJpeg({ width: 32, height: 24 })
      const multipart = { 'content-type': 'multipart/form-data; boundary=imgtier-test-boundary' }
      const upload = (parts: readonly Part[], token = enterprise.token, headers: Record<string, string> = multipart) =>
        both('/images', { token, method: 'POST', headers, body: multipartBody(parts) })
      const [fast, koa] = await upload([{ name: 'image', fileName: 'cat.jpg', data: jpeg }, { name: 'name', data: 'Cat' }])
      expect([fast.status, koa.status]).to.deep.equal([201, 201])
      // Two images: their ids (and so Location and links) and times differ, nothing else.
      const own = (r: Reply) => ({ ...r.json, id: undefined, createdAt: undefined, links: undefined })
      expect(own(fast)).to.deep.equal(own(koa))
      expect(own(fast)).to.include({ name: 'Cat', format: 'jpeg', width: 32, height: 24, bytes: jpeg.length })
      for (const r of [fast, koa]) expect(r.headers.get('location')).to.equal(`${server.url}/images/${r.json.id}`)
      const sansLocation = (r: Reply) => ({ ...headersOf(r), location: undefined })
      expect(sansLocation(fast)).to.deep.equal(sansLocation(koa))
      // The bytes stored are the bytes sent, either way.
      for (const r of [fast, koa]) expect((await client.get(`/images/${r.json.id}/original`, enterprise.token)).body.equals(jpeg)).to.equal(true)

      const image = { name: 'image', fileName: 'a.jpg', data: jpeg }
      const cases: [string, () => Promise<[Reply, Reply]>, number][] = [
        ['no file', () => upload([{ name: 'name', data: 'lonely' }]), 400],
        ['the file in another field', () => upload([{ name: 'file', fileName: 'a.jpg', data: jpeg }]), 400],
        ['two files in one field', () => upload([image, { ...image, fileName: 'b.jpg' }]), 400],
        ['a second file beside image', () => upload([image, { name: 'extra', fileName: 'b.jpg', data: jpeg }]), 400],
        ['the name twice', () => upload([image, { name: 'name', data: 'one' }, { name: 'name', data: 'two' }]), 400],
        ['an oversized text field', () => upload([image, { name: 'name', data: 'x'.repeat(20 * 1024) }]), 413],
        ['a flood of text fields', () => upload([image, ...Array.from({ length: 9 }, (_, i) => ({ name: `f${i}`, data: 'x' }))]), 413],
        ['a file over the limit', () => upload([{ ...image, data: Buffer.concat([jpeg, Buffer.alloc(MAX_UPLOAD)]) }]), 413],
        ['an empty file', () => upload([{ ...image, data: Buffer.alloc(0) }]), 400],
        ['not an image', () => upload([{ ...image, data: Buffer.from('GIF89a not really') }]), 415],
        ['a truncated JPEG', () => upload([{ ...image, data: jpeg.subarray(0, jpeg.length >> 1) }]), 422],
        ['no boundary', () => upload([image], enterprise.token, { 'content-type': 'multipart/form-data' }), 400],
        ['not multipart', () => upload([image], enterprise.token, { 'content-type': 'application/json' }), 400],
        ['compressed', () => upload([image], enterprise.token, { ...multipart, 'content-encoding': 'gzip' }), 415],
        ['a bad token', () => upload([image], 'not-a-token'), 401],
      ]
      for (const [what, sent, status] of cases) {
        const [f, k] = await sent()
        expect(f.status, what).to.equal(status)
        sameAnswer(f, k, what)
      }
    })
  })
}

describe('e2e: the routes before Koa share the budgets and the metric', function () {
  this.timeout(60_000)
  let server: TestServer

  before(async () => {
    server = await startTestServer({ env: { IMGTIER_RATE_LIMITS: 'on', IMGTIER_RATE_LIMIT_READ: '4/60', IMGTIER_RATE_LIMIT_LINK: '2/60', IMGTIER_RATE_LIMIT_UPLOAD: '3/60', IMGTIER_METRICS_TOKEN: 'metrics-token-0123456789' } })
  })
  after(() => server?.close())

  it('spends the owner\'s read budget, refuses past it as Koa does, and counts in the duration metric', async () => {
    const client = new Client(server.url)
    const owner = await client.newUser(await client.login(server.admin.username, server.admin.password), 'Enterprise')
    const imageId = (await client.upload(owner.token, await makeJpeg({ width: 16, height: 16 }))).json.id
    const path = `/images/${imageId}/original`
    const remaining = []
    for (let i = 0; i < 4; i++) remaining.push((await request(`${server.url}${path}${i % 2 === 0 ? '' : '?via=koa'}`, { token: owner.token })).headers.get('ratelimit-remaining'))
    expect(remaining).to.deep.equal(['3', '2', '1', '0'])
    const fast = await request(`${server.url}${path}`, { token: owner.token })
    const koa = await request(`${server.url}${path}?via=koa`, { token: owner.token })
    expect([fast.status, koa.status]).to.deep.equal([429, 429])
    expect(sansRequestId(fast.json)).to.deep.equal(sansRequestId(koa.json))
    for (const name of ['ratelimit-limit', 'ratelimit-remaining', 'retry-after']) expect(fast.headers.get(name), name).to.equal(koa.headers.get(name))
    const metrics = await request(`${server.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } })
    const count = (status: number) => Number(new RegExp(`http_request_duration_seconds_count\\{[^}]*method="GET",route="/images/:id/original",status="${status}"[^}]*\\} (\\d+)`).exec(metrics.body.toString())?.[1])
    expect([count(200), count(429)]).to.deep.equal([4, 2])
    // Creating links spends the link budget, whichever way the request goes.
    const create = (via: string) => request(`${server.url}/images/${imageId}/original/expiring-links${via}`, { token: owner.token, json: { expiresIn: 600 } })
    const created = [await create(''), await create('?via=koa'), await create(''), await create('?via=koa')]
    expect(created.map((r) => [r.status, r.headers.get('ratelimit-remaining')])).to.deep.equal([[201, '1'], [201, '0'], [429, '0'], [429, '0']])
    // So do uploads (the first was the image above), and both ways count under one route.
    const jpeg = await makeJpeg({ width: 16, height: 16 })
    const upload = (via: string) => request(`${server.url}/images${via}`, {
      token: owner.token, method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=imgtier-test-boundary' }, body: multipartBody([{ name: 'image', fileName: 'a.jpg', data: jpeg }]),
    })
    const uploaded = [await upload(''), await upload('?via=koa'), await upload(''), await upload('?via=koa')]
    expect(uploaded.map((r) => [r.status, r.headers.get('ratelimit-remaining')])).to.deep.equal([[201, '1'], [201, '0'], [429, '0'], [429, '0']])
    const after = (await request(`${server.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } })).body.toString()
    const uploads = (status: number) => Number(new RegExp(`http_request_duration_seconds_count\\{[^}]*method="POST",route="/images",status="${status}"[^}]*\\} (\\d+)`).exec(after)?.[1])
    expect([uploads(201), uploads(429)]).to.deep.equal([3, 2])
  })
})
