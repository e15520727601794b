import { expect } from 'chai'
import * as TE from 'fp-ts/TaskEither'
import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import pino from 'pino'
import type { UseCases } from '../../../application/bound-use-cases'
import type { Delivery } from '../../../application/delivery'
import type { FinishedRequest } from '../../../adapters/http/edge'
import { fastRoutes } from '../../../adapters/http/fast-routes'
import { aTier, aUser } from '../../support/mothers'

/** A server whose only other way to answer is 418: what the fast path leaves shows. */
const serve = async (take: (req: IncomingMessage, res: ServerResponse) => boolean) => {
  const server = createServer((req, res) => {
    if (!take(req, res)) res.writeHead(418).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

const ID = '0b6f3c52-7a44-4e3f-9f0e-2f6a1d2c3b4a'
const tier = aTier()
const user = aUser(tier.id)

describe('http: the routes answered before Koa', () => {
  const recorded: FinishedRequest[] = []
  const streams: Readable[] = []
  const asked: string[] = []
  const bytes = (): Delivery => {
    const body = Readable.from([Buffer.from('abc')])
    streams.push(body)
    return { _tag: 'Bytes', etag: '"e"', body, length: 3, contentType: 'image/png' }
  }
  const api: Partial<UseCases> = {
    authenticate: (token) => (token === 'good' ? TE.right({ user, tier, sessionId: 's' }) : TE.left({ _tag: 'Unauthorized', reason: 'bad token' })),
    getThumbnail: (cmd) => {
      asked.push(`thumbnail ${cmd.ownerId} ${cmd.imageId} ${cmd.height} ${cmd.method} ${cmd.ifNoneMatch ?? '-'}`)
      return cmd.ifNoneMatch === '"e"' ? TE.right({ _tag: 'NotModified', etag: '"e"' }) : TE.right(bytes())
    },
    getOriginal: () => TE.left({ _tag: 'TierForbidsOriginal' }),
    openExpiringLink: (cmd) => TE.right({ delivery: { _tag: 'Redirect', etag: '"l"', url: `https://store.example/${cmd.token}` }, remainingSeconds: 100 }),
    uploadImage: (cmd) => {
      asked.push(`upload ${cmd.ownerId} ${cmd.bytes.toString()} ${cmd.sha256 ?? '-'} ${cmd.fileName ?? '-'} ${cmd.name ?? '-'}`)
      return TE.right({ id: ID, ownerId: cmd.ownerId, name: cmd.name ?? 'x', format: 'png', width: 1, height: 1, bytes: cmd.bytes.length, sha256: cmd.sha256 ?? '', createdAt: new Date('2030-01-01T00:00:00Z') })
    },
    createExpiringLink: (cmd) => {
      asked.push(`link ${cmd.ownerId} ${cmd.imageId} ${JSON.stringify(cmd.variant)} ${String(cmd.expiresIn)}`)
      return TE.right({ token: 'tok', expiresAt: new Date('2030-01-01T00:00:00Z') })
    },
  }
  let server: Awaited<ReturnType<typeof serve>>

  before(async () => {
    server = await serve(fastRoutes({
      api: api as UseCases, publicUrl: 'https://imgtier.example', headers: [['X-Content-Type-Options', 'nosniff'], ['Referrer-Policy', 'same-origin']], record: (r) => recorded.push(r),
      logger: pino({ level: 'silent' }), trustProxy: false, maxUploadBytes: 1024 * 1024,
    }))
  })
  after(() => server.close())

  it('answers an owner\'s bytes, 304 and HEAD with the route\'s headers, each header once, and records them', async () => {
    const auth = { authorization: 'Bearer good' }
    const ok = await fetch(`${server.url}/images/${ID}/thumbnails/200`, { headers: { ...auth, 'x-request-id': 'r-1' } })
    expect(ok.status).to.equal(200)
    expect(await ok.text()).to.equal('abc')
    expect(Object.fromEntries(['x-request-id', 'x-content-type-options', 'referrer-policy', 'etag', 'cache-control', 'content-type', 'content-length'].map((h) => [h, ok.headers.get(h)]))).to.deep.equal({
      'x-request-id': 'r-1', 'x-content-type-options': 'nosniff', 'referrer-policy': 'same-origin', etag: '"e"', 'cache-control': 'private, no-cache', 'content-type': 'image/png', 'content-length': '3',
    })
    const notModified = await fetch(`${server.url}/images/${ID}/thumbnails/200`, { headers: { ...auth, 'if-none-match': '"e"' } })
    expect([notModified.status, await notModified.text()]).to.deep.equal([304, ''])
    const head = await fetch(`${server.url}/images/${ID}/thumbnails/200`, { method: 'HEAD', headers: auth })
    expect([head.status, head.headers.get('content-length'), await head.text()]).to.deep.equal([200, '3', ''])
    expect(streams.at(-1)?.destroyed, 'the unread stream of a HEAD is destroyed').to.equal(true)
    expect(asked).to.deep.equal([`thumbnail ${user.id} ${ID} 200 GET -`, `thumbnail ${user.id} ${ID} 200 GET "e"`, `thumbnail ${user.id} ${ID} 200 HEAD -`])
    expect(recorded.map((r) => [r.method, r.route, r.status])).to.deep.equal([['GET', '/images/:id/thumbnails/:height', 200], ['GET', '/images/:id/thumbnails/:height', 304], ['HEAD', '/images/:id/thumbnails/:height', 200]])
    expect(recorded[0]?.requestId).to.equal('r-1')
  })

  it('answers problems as problem+json: a refused token (under the router\'s prefix) and a use case\'s refusal', async () => {
    recorded.length = 0
    const unauthorized = await fetch(`${server.url}/images/${ID}/original`, { headers: { authorization: 'Bearer bad' } })
    expect(unauthorized.status).to.equal(401)
    expect(unauthorized.headers.get('www-authenticate')).to.equal('Bearer realm="imgtier"')
    expect(unauthorized.headers.get('content-type')).to.equal('application/problem+json')
    const body = await unauthorized.json()
    expect(body).to.include({ status: 401, code: 'unauthorized', requestId: unauthorized.headers.get('x-request-id') })
    const forbidden = await fetch(`${server.url}/images/${ID}/original`, { headers: { authorization: 'Bearer good' } })
    expect(forbidden.status).to.equal(403)
    expect(await forbidden.json()).to.include({ code: 'tier_forbids_original' })
    expect(recorded.map((r) => [r.route, r.status])).to.deep.equal([['/images', 401], ['/images/:id/original', 403]])
  })

  it('answers a link without login; its own Referrer-Policy replaces the fixed one', async () => {
    const link = await fetch(`${server.url}/links/tok.en-1`, { redirect: 'manual' })
    expect(link.status).to.equal(302)
    expect(link.headers.get('location')).to.equal('https://store.example/tok.en-1')
    expect(link.headers.get('referrer-policy')).to.equal('no-referrer')
    expect(link.headers.get('cache-control')).to.equal('private, max-age=100')
    expect(link.headers.get('content-length')).to.equal('0')
  })

  it('creates an expiring link from a plain JSON body, and answers a malformed one as Koa\'s parser would', async () => {
    asked.length = 0
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${server.url}/images/${ID}/thumbnails/200/expiring-links`, { method: 'POST', headers: { authorization: 'Bearer good', 'content-type': 'application/json', ...headers }, body })
    const created = await post('{"expiresIn":600}')
    expect(created.status).to.equal(201)
    expect(created.headers.get('cache-control')).to.equal('no-store')
    expect(created.headers.get('content-type')).to.equal('application/json; charset=utf-8')
    expect(await created.json()).to.deep.equal({ url: 'https://imgtier.example/links/tok', expiresAt: '2030-01-01T00:00:00.000Z' })
    expect(asked).to.deep.equal([`link ${user.id} ${ID} {"height":"200"} 600`])
    for (const bad of ['{"expiresIn":', '600', '{"__proto__":{"x":1}}']) {
      const refused = await post(bad)
      expect(refused.status, bad).to.equal(400)
      expect(await refused.json(), bad).to.include({ code: 'invalid_request' })
    }
    const extra = await post('{"expiresIn":600,"extra":1}')
    expect([extra.status, ((await extra.json()) as { errors?: unknown }).errors]).to.deep.equal([400, [{ path: 'extra', message: 'is not a known field' }]])
    expect(recorded.at(-1)?.route).to.equal('/images/:id/thumbnails/:height/expiring-links')
    const original = await fetch(`${server.url}/images/${ID}/original/expiring-links`, { method: 'POST', headers: { authorization: 'Bearer good', 'content-type': 'Application/JSON; charset=utf-8' }, body: '{"expiresIn":300}' })
    expect(original.status).to.equal(201)
    expect(asked.at(-1)).to.equal(`link ${user.id} ${ID} "original" 300`)
  })

  it('takes an upload with a bearer token: the form read whole, the file hashed, 201 with Location', async () => {
    asked.length = 0
    const body = '--b\r\nContent-Disposition: form-data; name="image"; filename="cat.png"\r\nContent-Type: image/png\r\n\r\nPNGBYTES\r\n' +
      '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nCat\r\n--b--\r\n'
    const created = await fetch(`${server.url}/images`, { method: 'POST', headers: { authorization: 'Bearer good', 'content-type': 'multipart/form-data; boundary=b' }, body })
    expect(created.status).to.equal(201)
    expect(created.headers.get('location')).to.equal(`https://imgtier.example/images/${ID}`)
    expect(await created.json()).to.include({ id: ID, name: 'Cat', bytes: 8 })
    expect(asked).to.deep.equal([`upload ${user.id} PNGBYTES ${createHash('sha256').update('PNGBYTES').digest('hex')} cat.png Cat`])
    expect(recorded.at(-1)).to.include({ method: 'POST', route: '/images', status: 201 })
  })

  it('leaves to Koa what it does not take', async () => {
    const before = recorded.length
    const auth = { authorization: 'Bearer good' }
    const thumb = `${server.url}/images/${ID}/thumbnails/200`
    const left = [
      fetch(thumb, { headers: { cookie: 'imgtier_access=good' } }), // a cookie
      fetch(thumb, { headers: { authorization: 'Basic abc' } }), // not a bearer token
      fetch(thumb, { headers: { ...auth, origin: 'https://app.example' } }), // CORS must see it
      fetch(`${thumb}?x=1`, { headers: auth }), // a query string
      fetch(`${thumb}/`, { headers: auth }), // a trailing slash
      fetch(`${server.url}/IMAGES/${ID}/thumbnails/200`, { headers: auth }), // another case
      fetch(`${server.url}/images/${ID.toUpperCase()}/thumbnails/200`, { headers: auth }), // not a canonical id
      fetch(`${server.url}/images/${ID}/thumbnails/2%30`, { headers: auth }), // needs decoding
      fetch(thumb, { method: 'POST', headers: auth }),
      fetch(thumb, { method: 'DELETE', headers: auth }),
      fetch(`${server.url}/images/${ID}`, { headers: auth }), // not a byte route
      fetch(`${server.url}/links/a/b`), // not a token
      ...([
        { 'content-type': 'text/plain' }, { 'content-type': 'application/json', 'content-encoding': 'gzip' }, { 'content-type': 'application/vnd.api+json' },
        { 'content-type': 'application/json', cookie: 'imgtier_access=good', authorization: '' },
      ] as Record<string, string>[]).map((headers) => fetch(`${thumb}/expiring-links`, { method: 'POST', headers: { ...auth, ...headers }, body: '{"expiresIn":600}' })),
      fetch(`${thumb}/expiring-links`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '' }), // no body at all
      ...[
        ['/images', { 'content-encoding': 'gzip' }], // Koa refuses it (415)
        ['/images', { cookie: 'imgtier_access=good', authorization: '' }], // a cookie
        ['/images?x=1', {}], ['/images/', {}], ['/Images', {}],
      ].map(([path, headers]) => fetch(`${server.url}${String(path)}`, { method: 'POST', headers: { ...auth, 'content-type': 'multipart/form-data; boundary=b', ...(headers as Record<string, string>) }, body: '--b--' })),
      fetch(`${thumb}/expiring-links`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: `{"expiresIn":600,"pad":"${'x'.repeat(70_000)}"}` }), // over the limit
    ]
    expect((await Promise.all(left)).map((r) => r.status)).to.deep.equal(left.map(() => 418))
    expect(recorded.length).to.equal(before)
  })

  it('leaves links to Koa behind a trusted proxy when rate limits need the client\'s address', async () => {
    const limited = await serve(fastRoutes({
      api: api as UseCases, publicUrl: 'https://imgtier.example', headers: [], record: () => undefined, logger: pino({ level: 'silent' }), trustProxy: true, maxUploadBytes: 1024 * 1024,
      limiters: { read: { consume: async () => ({ allowed: true, limit: 9, remaining: 8, resetSeconds: 60 }) } } as never,
    }))
    try {
      expect((await fetch(`${limited.url}/links/tok`, { redirect: 'manual' })).status).to.equal(418)
      const owner = await fetch(`${limited.url}/images/${ID}/thumbnails/200`, { headers: { authorization: 'Bearer good' } })
      expect([owner.status, owner.headers.get('ratelimit-remaining')]).to.deep.equal([200, '8'])
      await owner.arrayBuffer()
    } finally {
      await limited.close()
    }
  })
})
