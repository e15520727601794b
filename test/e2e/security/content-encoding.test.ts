import { expect } from 'chai'
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib'
import { Client, expectProblem, request } from '../../support/http'
import { makeJpeg } from '../../support/images'
import { startTestServer, type TestServer } from '../../support/server'

/**
 * A body is what its Content-Encoding says, or the request is refused: 400 when it does
 * not decode, 415 for an encoding the route does not take; never a 5xx. JSON routes take
 * gzip, deflate and br; uploads take none (images are compressed already).
 */

const ENCODERS: Readonly<Record<string, (b: Buffer) => Buffer>> = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync }

/** Bodies that are not what a Content-Encoding header claims. */
const CORRUPT: readonly Buffer[] = [
  Buffer.from('{"plain":"json"}'),
  gzipSync('{"a":1}').subarray(0, 12), // truncated
  Buffer.concat([gzipSync('{"a":1}').subarray(0, 10), Buffer.from('garbage garbage garbage')]),
  Buffer.alloc(0),
]

describe('security e2e: Content-Encoding of request bodies', function () {
  this.timeout(60_000)
  let server: TestServer
  let client: Client
  let adminToken: string
  let user: { id: string; token: string; username: string; password: string }
  let imageId: string
  let tierId: string

  before(async () => {
    server = await startTestServer()
    client = new Client(server.url)
    adminToken = await client.login(server.admin.username, server.admin.password)
    user = await client.newUser(adminToken, 'Enterprise')
    imageId = (await client.upload(user.token, await makeJpeg({ width: 24, height: 16 }))).json.id
    tierId = (await client.post('/admin/tiers', { name: 'ce-tier', thumbnailHeights: [100], originalLink: false, expiringLinks: false }, adminToken)).json.id
  })
  after(() => server?.close())

  const jsonRoutes = () => [
    { method: 'POST', path: '/auth/login' },
    { method: 'POST', path: '/auth/refresh' },
    { method: 'POST', path: '/auth/logout', token: user.token },
    { method: 'POST', path: '/admin/tiers', token: adminToken },
    { method: 'PATCH', path: `/admin/tiers/${tierId}`, token: adminToken },
    { method: 'POST', path: '/admin/users', token: adminToken },
    { method: 'PATCH', path: `/admin/users/${user.id}`, token: adminToken },
    { method: 'POST', path: `/images/${imageId}/original/expiring-links`, token: user.token },
    { method: 'POST', path: `/images/${imageId}/thumbnails/200/expiring-links`, token: user.token },
  ]

  it('a body that does not decode as its gzip, deflate or br says: 400 invalid_request on every JSON route', async () => {
    for (const route of jsonRoutes()) {
      for (const encoding of Object.keys(ENCODERS)) {
        for (const [i, body] of CORRUPT.entries()) {
          const reply = await request(`${server.url}${route.path}`, {
            method: route.method, token: route.token, body, headers: { 'content-type': 'application/json', 'content-encoding': encoding },
          })
          expect(reply.status, `${route.method} ${route.path} ${encoding} #${i}: ${reply.body.toString().slice(0, 200)}`).to.equal(400)
          expectProblem(reply, 400, 'invalid_request')
          expect(reply.json.detail).to.match(/Content-Encoding/)
        }
      }
    }
    expect((await client.get('/me', user.token)).status, 'the logouts never got through').to.equal(200)
  })

  it('an encoding a JSON route does not take: 415 saying which it takes', async () => {
    for (const encoding of ['zstd', 'compress', 'x-unknown', 'gzip, br']) {
      const reply = await request(`${server.url}/auth/login`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', 'content-encoding': encoding } })
      expectProblem(reply, 415, 'unsupported_media_type')
      expect(reply.json.detail).to.match(/gzip, deflate, br/)
    }
  })

  it('a body that is what it says decodes: login in gzip, deflate and br', async () => {
    for (const [encoding, encode] of Object.entries(ENCODERS)) {
      const body = encode(Buffer.from(JSON.stringify({ username: user.username, password: user.password })))
      const reply = await request(`${server.url}/auth/login`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'content-encoding': encoding } })
      expect(reply.status, encoding).to.equal(200)
    }
  })

  it('an upload with any Content-Encoding: 415, and nothing is stored', async () => {
    const jpeg = await makeJpeg({ width: 8, height: 8 })
    const before = (await client.get('/images', user.token)).json.count
    for (const encoding of ['gzip', 'br', 'deflate', 'zstd']) {
      const form = new FormData()
      form.append('image', new Blob([jpeg]), 'a.jpg')
      const reply = await request(`${server.url}/images`, { method: 'POST', token: user.token, body: form, headers: { 'content-encoding': encoding } })
      expectProblem(reply, 415, 'unsupported_media_type')
    }
    expect((await client.get('/images', user.token)).json.count).to.equal(before)
  })
})
