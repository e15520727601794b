import { expect } from 'chai'
import { openDatabase, type Database } from '../../../adapters/persistence'
import { freshPostgresUrl, type EmptyDatabase } from '../../support/database'
import { Client, expectProblem, request, type Reply } from '../../support/http'
import { makeJpeg } from '../../support/images'
import { startTestServer, type TestServer } from '../../support/server'

/**
 * Text a database cannot store as sent (U+0000: Postgres refuses it; a lone surrogate:
 * no UTF-8 for it) is refused at the edge with a 4xx naming the field, on every body,
 * query and path that reaches the database; never a 5xx from the driver.
 */

const UNSAFE: readonly [string, string][] = [['NUL', 'a\u0000b'], ['a lone high surrogate', 'ab\ud800'], ['a lone low surrogate', '\udc00ab']]

const expectInvalidAt = (reply: Reply, path: string): void => {
  expectProblem(reply, 400, 'invalid_request')
  expect(reply.json.errors.map((e: { path: string }) => e.path), JSON.stringify(reply.json)).to.include(path)
}

describe('security e2e: text the database cannot store is refused at the edge', function () {
  this.timeout(60_000)
  let server: TestServer
  let client: Client
  let adminToken: string
  let user: { id: string; token: string; username: string; password: string }
  let tierId: string

  before(async () => {
    server = await startTestServer()
    client = new Client(server.url)
    adminToken = await client.login(server.admin.username, server.admin.password)
    user = await client.newUser(adminToken, 'Enterprise')
    const tier = await client.post('/admin/tiers', { name: 'unsafe-base', thumbnailHeights: [100], originalLink: false, expiringLinks: false }, adminToken)
    tierId = tier.json.id
  })
  after(() => server?.close())

  for (const [what, text] of UNSAFE) {
    describe(`with ${what}`, () => {
      it('login: 401 invalid_credentials for the username and for the password', async () => {
        expectProblem(await client.post('/auth/login', { username: text, password: 'long-enough-password' }), 401, 'invalid_credentials')
        expectProblem(await client.post('/auth/login', { username: user.username, password: `${user.password}${text}` }), 401, 'invalid_credentials')
      })

      it('refresh: 401, from the body and from the cookie', async () => {
        expectProblem(await client.post('/auth/refresh', { refreshToken: text }), 401, 'unauthorized')
        // A cookie is bytes: %00 decodes to U+0000; a surrogate cannot be sent in one.
        const cookie = `imgtier_refresh=${encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '\u0000'))}`
        expectProblem(await request(`${server.url}/auth/refresh`, { method: 'POST', headers: { cookie } }), 401, 'unauthorized')
      })

      it('tiers: 400 at `name` on create and on edit', async () => {
        expectInvalidAt(await client.post('/admin/tiers', { name: text, thumbnailHeights: [100], originalLink: false, expiringLinks: false }, adminToken), 'name')
        expectInvalidAt(await client.patch(`/admin/tiers/${tierId}`, { name: text }, adminToken), 'name')
        expect((await client.get(`/admin/tiers/${tierId}`, adminToken)).json.name).to.equal('unsafe-base')
      })

      it('users: 400 at `password` (create and edit) and at `username`', async () => {
        expectInvalidAt(await client.post('/admin/users', { username: 'unsafe-user', password: `password-${text}` }, adminToken), 'password')
        expectInvalidAt(await client.post('/admin/users', { username: `unsafe${text}`, password: 'long-enough-password' }, adminToken), 'username')
        expectInvalidAt(await client.patch(`/admin/users/${user.id}`, { password: `password-${text}` }, adminToken), 'password')
        expect((await client.get('/me', user.token)).status, 'the user was not changed').to.equal(200)
      })

    })
  }

  // Query strings and multipart are UTF-8 on the wire: a lone surrogate cannot travel in them, U+0000 can.
  it('image list: 400 at `cursor` for a NUL', async () => {
    expectInvalidAt(await client.get('/images?cursor=a%00b', user.token), 'cursor')
  })

  it('upload: 400 at `name` for a NUL in the name field, nothing stored', async () => {
    expectInvalidAt(await client.upload(user.token, await makeJpeg({ width: 8, height: 8 }), 'a.jpg', { name: 'a\u0000b' }), 'name')
    expect((await client.get('/images', user.token)).json.count, 'nothing was stored').to.equal(0)
  })

  it('a NUL upload file name (no name field) is refused with 400, nothing stored', async () => {
    const reply = await client.upload(user.token, await makeJpeg({ width: 8, height: 8 }), 'a\u0000b.jpg')
    expectInvalidAt(reply, 'name')
    expect((await client.get('/images', user.token)).json.count).to.equal(0)
  })

  it('NUL in path segments and query values is a 4xx', async () => {
    const statuses = [
      await client.get('/images/a%00b', user.token),
      await client.get('/admin/tiers/a%00b', adminToken),
      await client.get('/admin/users/a%00b', adminToken),
      await client.get('/links/a%00b'),
      await client.get('/images?limit=1%00', user.token),
      await client.get('/admin/users?offset=%00', adminToken),
    ].map((r) => r.status)
    for (const status of statuses) expect(status).to.be.within(400, 499)
  })
})

describe('security e2e: unsafe usernames against the Postgres rate-limit store', function () {
  this.timeout(60_000)
  let empty: EmptyDatabase | undefined
  let database: Database | undefined
  let server: TestServer | undefined

  before(async function () {
    empty = await freshPostgresUrl()
    if (empty === undefined) {
      console.warn('    SKIPPED: no real Postgres (set TEST_DATABASE_URL); the Postgres rate-limit store needs one')
      this.skip()
    }
    database = await openDatabase({ url: empty.url, migrate: true })
    server = await startTestServer({ database, env: { DATABASE_URL: empty.url, IMGTIER_RATE_LIMITS: 'on', IMGTIER_RATE_LIMIT_STORE: 'postgres' } })
  })
  after(async () => {
    await server?.close()
    await database?.close()
    await empty?.drop()
  })

  it('a NUL or lone-surrogate username is a 401, not a store failure', async () => {
    const client = new Client(server?.url ?? '')
    for (const [, text] of UNSAFE) expectProblem(await client.post('/auth/login', { username: text, password: 'long-enough-password' }), 401, 'invalid_credentials')
  })
})
