/**
 * IMGTIER_DELIVERY=redirect on S3 + the Lambda thumbnailer: the API answers 302 to a
 * presigned S3 URL, and the URL is then fetched over real HTTP from S3 itself.
 *
 * Two clocks meet here. The app's clock is injected (the test moves it) and decides how
 * long a link has left; the presigner stamps X-Amz-Date from the wall clock, and S3
 * judges expiry against its own wall clock. So the only honest comparison is of
 * durations: X-Amz-Expires must not exceed the link's remaining seconds as the app sees
 * them, and X-Amz-Date must be the real "now" (not the app's), or S3's verdict would
 * be about some other moment. With a real clock in production, the two durations
 * starting at one instant make the URL die no later than the link.
 *
 * Signature and expiry checks need a real S3 (TEST_S3_ENDPOINT, e.g. Ceph RGW): on a
 * stand-in those tests log why they did not run and skip.
 */
import { createHash } from 'node:crypto'
import { expect } from 'chai'
import sharp from 'sharp'
import { makeJpeg } from '../../support/images'
import { Client, type Reply } from '../../support/http'
import { startTestServer, type TestServer } from '../../support/server'

type NewUser = Awaited<ReturnType<Client['newUser']>>

interface Presigned {
  readonly url: URL
  readonly signedAt: Date
  readonly expiresIn: number
}

/** X-Amz-Date is ISO 8601 basic format, e.g. 20261128T011806Z. */
const parseAmzDate = (s: string): Date => {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s)
  expect(m, `X-Amz-Date ${s}`).to.not.equal(null)
  const [, y, mo, d, h, mi, se] = m ?? []
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${se}Z`)
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

/** A plain GET with no credentials of any kind: what a browser following the 302 does. */
const fetchS3 = async (url: URL | string, method = 'GET') => {
  const res = await fetch(url, { method, redirect: 'manual' })
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) }
}

describe('redirect delivery: 302 to presigned S3 URLs (aws backend)', function () {
  this.timeout(60_000)
  let server: TestServer
  let api: Client
  let owner: NewUser
  let jpeg: Buffer
  let imageId: string
  let verifiesSignatures = false

  before(async () => {
    server = await startTestServer({ backend: 'aws', env: { IMGTIER_DELIVERY: 'redirect' } })
    api = new Client(server.url)
    const adminToken = await api.login(server.admin.username, server.admin.password)
    owner = await api.newUser(adminToken, 'Enterprise')
    // 300×240: a 200 thumbnail scales down; a 400 one must not upscale.
    jpeg = await makeJpeg({ width: 300, height: 240 })
    const up = await api.upload(owner.token, jpeg, 'redirect.jpg')
    expect(up.status).to.equal(201)
    imageId = up.json.id
    verifiesSignatures = server.s3?.verifiesSignatures ?? false
  })
  after(() => server?.close())

  /** Checks the 302 and that Location is a SigV4 presigned URL on the test S3, signed now by the wall clock. */
  const presignedFrom = (reply: Reply): Presigned => {
    expect(reply.status, `status (body: ${reply.body.toString('utf8').slice(0, 200)})`).to.equal(302)
    const location = reply.headers.get('location')
    expect(location, 'Location').to.be.a('string')
    const url = new URL(location ?? '')
    const s3 = new URL(server.s3?.endpoint ?? 'http://missing')
    expect(url.origin, 'presigned on the S3 endpoint').to.equal(s3.origin)
    const q = url.searchParams
    expect(q.get('X-Amz-Algorithm')).to.equal('AWS4-HMAC-SHA256')
    expect(q.get('X-Amz-Credential')).to.match(new RegExp(`^${server.s3?.credentials.accessKeyId}/\\d{8}/us-east-1/s3/aws4_request$`))
    expect(q.get('X-Amz-SignedHeaders')).to.equal('host')
    expect(q.get('X-Amz-Signature')).to.match(/^[0-9a-f]{64}$/)
    const signedAt = parseAmzDate(q.get('X-Amz-Date') ?? '')
    // The wall clock, not the app's (which the test set to January 2026): S3 judges by the wall clock.
    expect(Math.abs(signedAt.getTime() - Date.now()), 'X-Amz-Date is the real now').to.be.below(10_000)
    const expiresIn = Number(q.get('X-Amz-Expires'))
    expect(Number.isInteger(expiresIn) && expiresIn >= 1, `X-Amz-Expires ${q.get('X-Amz-Expires')}`).to.equal(true)
    // The API answered the redirect itself: no bytes went through it.
    expect(reply.body.length).to.equal(0)
    return { url, signedAt, expiresIn }
  }

  const createLink = async (variant: string, expiresIn: number): Promise<string> => {
    const r = await api.post(`/images/${imageId}/${variant}/expiring-links`, { expiresIn }, owner.token)
    expect(r.status, JSON.stringify(r.json)).to.equal(201)
    return new URL(r.json.url).pathname
  }

  const requireRealS3 = (ctx: Mocha.Context, what: string): void => {
    if (verifiesSignatures) return
    console.log(`    [skipped] ${what}: the S3 in use (${server.s3?.endpoint}) does not check signatures or expiry; run with TEST_S3_ENDPOINT=<Ceph RGW> to prove it`)
    ctx.skip()
  }

  it('original (owner route): 302, and the presigned URL serves the exact bytes with the signed content type', async () => {
    const reply = await api.get(`/images/${imageId}/original`, owner.token)
    const p = presignedFrom(reply)
    expect(reply.headers.get('cache-control')).to.equal('private, no-cache')
    expect(reply.headers.get('etag')).to.be.a('string')
    // Owner routes never hand out more than 300 s of S3 access.
    expect(p.expiresIn).to.be.at.most(300)
    expect(p.url.searchParams.get('response-content-type')).to.equal('image/jpeg')

    const got = await fetchS3(p.url)
    expect(got.status).to.equal(200)
    expect(sha256(got.body)).to.equal(sha256(jpeg))
    expect(Buffer.compare(got.body, jpeg)).to.equal(0)
    expect(got.headers.get('content-type')).to.equal('image/jpeg')
  })

  it('thumbnail (owner route): rendered by the Lambda, then 302; the URL serves a JPEG of the right height', async () => {
    const before = server.lambda?.invocations ?? 0
    const reply = await api.get(`/images/${imageId}/thumbnails/200`, owner.token)
    const p = presignedFrom(reply)
    expect(server.lambda?.invocations, 'rendered through the Lambda Invoke API').to.equal(before + 1)
    expect(p.url.searchParams.get('response-content-type')).to.equal('image/jpeg')

    const got = await fetchS3(p.url)
    expect(got.status).to.equal(200)
    expect(got.headers.get('content-type')).to.equal('image/jpeg')
    const meta = await sharp(got.body).metadata()
    expect(meta).to.include({ format: 'jpeg', height: 200, width: 250 })

    // A second request hits the cached thumbnail: a new redirect, no new render.
    presignedFrom(await api.get(`/images/${imageId}/thumbnails/200`, owner.token))
    expect(server.lambda?.invocations).to.equal(before + 1)
  })

  it('thumbnail never upscales: 400 of a 240-high original is 240 high behind the redirect', async () => {
    const p = presignedFrom(await api.get(`/images/${imageId}/thumbnails/400`, owner.token))
    const got = await fetchS3(p.url)
    expect(got.status).to.equal(200)
    expect(await sharp(got.body).metadata()).to.include({ format: 'jpeg', height: 240, width: 300 })
  })

  it('HEAD (owner route) redirects too, and following it with HEAD works on S3', async function () {
    requireRealS3(this, 'HEAD on a GET-presigned URL against a real S3')
    const reply = await api.head(`/images/${imageId}/original`, owner.token)
    const p = presignedFrom(reply)
    // RFC 9110 §15.4: a client follows a 302 with the same method, so S3 sees a HEAD.
    const head = await fetchS3(p.url, 'HEAD')
    expect(head.status, 'HEAD on the presigned URL').to.equal(200)
    expect(Number(head.headers.get('content-length'))).to.equal(jpeg.length)
  })

  it('If-None-Match still answers 304 without a redirect', async () => {
    const first = await api.get(`/images/${imageId}/original`, owner.token)
    const etag = first.headers.get('etag') ?? ''
    const again = await api.get(`/images/${imageId}/original`, owner.token, { 'if-none-match': etag })
    expect(again.status).to.equal(304)
    expect(again.headers.get('location')).to.equal(null)
  })

  it('expiring links (no login): 302 to S3, exact bytes for the original, the right height for a thumbnail', async () => {
    const original = presignedFrom(await api.get(await createLink('original', 3000)))
    const o = await fetchS3(original.url)
    expect(o.status).to.equal(200)
    expect(Buffer.compare(o.body, jpeg)).to.equal(0)
    expect(o.headers.get('content-type')).to.equal('image/jpeg')

    const thumb = presignedFrom(await api.get(await createLink('thumbnails/200', 3000)))
    const t = await fetchS3(thumb.url)
    expect(t.status).to.equal(200)
    expect(t.headers.get('content-type')).to.equal('image/jpeg')
    expect(await sharp(t.body).metadata()).to.include({ height: 200 })
  })

  it("X-Amz-Expires never exceeds the link's remaining lifetime (link of 300 s with ~100 s left → ≤ 100)", async () => {
    const link = await createLink('original', 300)
    const fresh = presignedFrom(await api.get(link))
    expect(fresh.expiresIn).to.be.at.most(300)

    server.clock.advance(200_000)
    const reply = await api.get(link)
    const late = presignedFrom(reply)
    expect(late.expiresIn).to.be.at.most(100)
    // Not absurdly short either: the link really has about 100 s left.
    expect(late.expiresIn).to.be.at.least(99)
    // The response itself (a cacheable redirect) must not outlive the link either.
    const maxAge = Number(/max-age=(\d+)/.exec(reply.headers.get('cache-control') ?? '')?.[1])
    expect(maxAge).to.be.at.most(100)
    // And the short URL does work right now.
    expect((await fetchS3(late.url)).status).to.equal(200)
  })

  it('the presigned URL stops working: a link with ~2 s left gives a URL that S3 refuses (403) once they pass', async function () {
    requireRealS3(this, 'presigned URL expiry against a real S3')
    const link = await createLink('original', 300)
    server.clock.advance(298_000)
    const p = presignedFrom(await api.get(link))
    expect(p.expiresIn).to.be.at.most(2)

    const now = await fetchS3(p.url)
    expect(now.status, 'works before it expires').to.equal(200)
    expect(Buffer.compare(now.body, jpeg)).to.equal(0)

    // Wait by the URL's own (wall-clock) stamp, with a second of margin for S3's
    // second-granularity comparison: the app clock has no say in what S3 accepts.
    const deadline = p.signedAt.getTime() + p.expiresIn * 1000
    await sleep(Math.max(0, deadline - Date.now()) + 1_500)
    const later = await fetchS3(p.url)
    expect(later.status, `after expiry (body: ${later.body.toString('utf8').slice(0, 200)})`).to.equal(403)
    expect(later.body.toString('utf8')).to.match(/AccessDenied|expired/i)
  })

  it('tampering with the presigned URL is refused by S3 (403): the signature, the signed content type, the expiry', async function () {
    requireRealS3(this, 'presigned URL tampering against a real S3')
    const p = presignedFrom(await api.get(`/images/${imageId}/original`, owner.token))
    expect((await fetchS3(p.url)).status, 'untouched URL works').to.equal(200)

    const tamper = (name: string, value: (old: string) => string): URL => {
      const u = new URL(p.url)
      u.searchParams.set(name, value(u.searchParams.get(name) ?? ''))
      return u
    }
    const flipLast = (s: string) => s.slice(0, -1) + (s.endsWith('0') ? '1' : '0')
    const tampered: { what: string; url: URL }[] = [
      { what: 'signature', url: tamper('X-Amz-Signature', flipLast) },
      { what: 'content type', url: tamper('response-content-type', () => 'text/html') },
      { what: 'expiry', url: tamper('X-Amz-Expires', () => '604800') },
    ]
    for (const { what, url } of tampered) {
      const r = await fetchS3(url)
      expect(r.status, `tampered ${what}`).to.equal(403)
      expect(r.body.toString('utf8'), `tampered ${what}`).to.match(/SignatureDoesNotMatch|AccessDenied/)
    }
    // Another object in the same bucket with the same signature: refused too.
    const other = new URL(p.url)
    other.pathname = other.pathname.replace(/[^/]+$/, 'someone-else')
    expect((await fetchS3(other)).status, 'another key').to.equal(403)
  })
})
