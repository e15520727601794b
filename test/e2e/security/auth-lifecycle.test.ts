import { expect } from 'chai'
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import jwt from 'jsonwebtoken'
import { REFRESH_REUSE_GRACE_MS } from '../../../application/use-cases/refresh-session'
import { Client, expectProblem, request, type Reply } from '../../support/http'
import { startTestServer, type TestServer } from '../../support/server'

/**
 * The whole life of a session over HTTP: what login hands out, how long it lasts,
 * how rotation and revocation behave, and which forged tokens are refused.
 */

const MINUTE = 60_000

const expectUnauthorized = (reply: Reply): void => {
  expectProblem(reply, 401, 'unauthorized')
  expect(reply.headers.get('www-authenticate')).to.match(/^Bearer\b/)
}

const setCookies = (reply: Reply): Map<string, string> =>
  new Map(reply.headers.getSetCookie().map((line) => [line.slice(0, line.indexOf('=')), line]))

const refresh = (client: Client, refreshToken: string): Promise<Reply> => client.post('/auth/refresh', { refreshToken })

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url')

describe('security e2e: auth lifecycle', function () {
  this.timeout(60_000)
  let server: TestServer
  let client: Client
  let adminToken: string

  before(async () => {
    server = await startTestServer()
    client = new Client(server.url)
  })
  after(() => server?.close())
  // Tests move the clock; a fresh admin token keeps the admin's own 15 minutes out of the way.
  beforeEach(async () => { adminToken = await client.login(server.admin.username, server.admin.password) })

  const loginReply = (username: string, password: string) => client.post('/auth/login', { username, password })

  it('login answers a bearer pair and httpOnly, SameSite=Lax cookies, not Secure outside production', async () => {
    const user = await client.newUser(adminToken, 'Basic')
    const reply = await loginReply(user.username, user.password)
    expect(reply.status).to.equal(200)
    expect(reply.json).to.include({ tokenType: 'Bearer', expiresIn: 900 })
    expect(reply.json.accessToken).to.be.a('string')
    expect(reply.json.refreshToken).to.be.a('string')
    expect(reply.headers.get('cache-control')).to.equal('no-store')
    const cookies = setCookies(reply)
    const access = cookies.get('imgtier_access') ?? ''
    const refreshCookie = cookies.get('imgtier_refresh') ?? ''
    for (const line of [access, refreshCookie]) {
      expect(line).to.match(/;\s*httponly/i)
      expect(line).to.match(/;\s*samesite=lax/i)
      expect(line).not.to.match(/;\s*secure/i)
    }
    expect(access).to.match(/;\s*path=\/(;|$)/)
    // The refresh token travels only to the endpoints that spend it.
    expect(refreshCookie).to.match(/;\s*path=\/auth(;|$)/)
    const me = await client.get('/me', undefined, { cookie: access.split(';')[0] })
    expect(me.status).to.equal(200)
    expect(me.json.username).to.equal(user.username)
  })

  it('a wrong password and an unknown user answer the same 401 invalid_credentials', async () => {
    const user = await client.newUser(adminToken, 'Basic')
    for (const reply of [await loginReply(user.username, 'wrong-password'), await loginReply('nobody-here', 'whatever-password')]) {
      expectProblem(reply, 401, 'invalid_credentials')
      expect(reply.headers.get('www-authenticate')).to.match(/^Bearer\b/)
      expect(reply.headers.getSetCookie()).to.deep.equal([])
    }
  })

  it('the access token lives 15 minutes by the server clock', async () => {
    const user = await client.newUser(adminToken, 'Basic')
    server.clock.advance(14 * MINUTE)
    expect((await client.get('/me', user.token)).status).to.equal(200)
    server.clock.advance(1 * MINUTE + 1_000)
    expectUnauthorized(await client.get('/me', user.token))
  })

  it('refresh rotates; replaying a spent token kills its whole family, the newest token too', async () => {
    const user = await client.newUser(adminToken, 'Basic')
    const first = (await loginReply(user.username, user.password)).json.refreshToken
    const rotated = await refresh(client, first)
    expect(rotated.status).to.equal(200)
    expect(rotated.json.refreshToken).not.to.equal(first)
    expect((await client.get('/me', rotated.json.accessToken)).status).to.equal(200)

    // Past the grace that spares two tabs refreshing at once (refresh-grace.test.ts), a replay is reuse.
    server.clock.advance(REFRESH_REUSE_GRACE_MS + 1)
    expectUnauthorized(await refresh(client, first))
    expectUnauthorized(await refresh(client, rotated.json.refreshToken))
    // The stolen family's access token dies with it, not fifteen minutes later.
    expectUnauthorized(await client.get('/me', rotated.json.accessToken))
    // Another login is another family, untouched.
    const other = (await loginReply(user.username, user.password)).json.refreshToken
    expect((await refresh(client, other)).status).to.equal(200)
  })

  it('refresh works from the httpOnly cookie alone', async () => {
    const user = await client.newUser(adminToken, 'Basic')
    const login = await loginReply(user.username, user.password)
    const cookie = (setCookies(login).get('imgtier_refresh') ?? '').split(';')[0]
    const reply = await request(`${server.url}/auth/refresh`, { method: 'POST', headers: { cookie } })
    expect(reply.status).to.equal(200)
    expect(reply.json.refreshToken).not.to.equal(login.json.refreshToken)
  })

  it('garbage, missing and expired refresh tokens answer 401', async () => {
    expectUnauthorized(await refresh(client, 'not-a-token'))
    expectUnauthorized(await client.post('/auth/refresh', {}))
    const user = await client.newUser(adminToken, 'Basic')
    const token = (await loginReply(user.username, user.password)).json.refreshToken
    server.clock.advance(31 * 24 * 60 * MINUTE)
    expectUnauthorized(await refresh(client, token))
  })

  it('logout revokes the refresh token and clears both cookies', async () => {
    const user = await client.newUser(adminToken, 'Basic')
    const login = await loginReply(user.username, user.password)
    const reply = await request(`${server.url}/auth/logout`, { method: 'POST', token: login.json.accessToken, json: { refreshToken: login.json.refreshToken } })
    expect(reply.status).to.equal(204)
    const cleared = setCookies(reply)
    for (const name of ['imgtier_access', 'imgtier_refresh']) {
      expect(cleared.get(name), name).to.match(new RegExp(`^${name}=;`))
      expect(cleared.get(name), name).to.match(/expires=Thu, 01 Jan 1970/i)
    }
    expectUnauthorized(await refresh(client, login.json.refreshToken))
    // The access token of the session ends with it; the user's other sessions go on.
    expectUnauthorized(await client.get('/me', login.json.accessToken))
    expect((await client.get('/me', user.token)).status).to.equal(200)
  })

  for (const [what, patch] of [['a password change', { password: 'a-brand-new-password' }], ['deactivation', { active: false }]] as const) {
    it(`${what} by an admin ends every session of that user at once: access and refresh`, async () => {
      const user = await client.newUser(adminToken, 'Basic')
      const second = (await loginReply(user.username, user.password)).json
      const bystander = await client.newUser(adminToken, 'Basic')
      expect((await client.patch(`/admin/users/${user.id}`, patch, adminToken)).status).to.equal(200)
      expectUnauthorized(await client.get('/me', user.token))
      expectUnauthorized(await client.get('/me', second.accessToken))
      expectUnauthorized(await refresh(client, second.refreshToken))
      expect((await client.get('/me', bystander.token)).status).to.equal(200)
      if ('password' in patch) {
        expectProblem(await loginReply(user.username, user.password), 401, 'invalid_credentials')
        expect((await loginReply(user.username, patch.password)).status).to.equal(200)
      } else {
        expectProblem(await loginReply(user.username, user.password), 401, 'invalid_credentials')
      }
    })
  }

  describe('forged access tokens', () => {
    let genuine: string
    let payload: Record<string, unknown>
    before(async () => {
      const user = await client.newUser(adminToken, 'Basic')
      genuine = user.token
      payload = JSON.parse(Buffer.from(genuine.split('.')[1], 'base64url').toString('utf8'))
      expect(payload).to.include({ role: 'user' })
    })

    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const forgeries: readonly [string, () => string][] = [
      ['alg none, no signature', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`],
      ['alg none, genuine signature kept', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.${genuine.split('.')[2]}`],
      ['RS256 with a key of its own', () => jwt.sign(payload, privateKey, { algorithm: 'RS256' })],
      ['HS256 with another secret', () => jwt.sign(payload, randomBytes(32).toString('hex'), { algorithm: 'HS256' })],
      ['HS512 with the right claims but not HS256', () => jwt.sign(payload, randomBytes(32).toString('hex'), { algorithm: 'HS512' })],
      ['payload tampered (role: admin), signature kept', () => {
        const [h, , s] = genuine.split('.')
        return `${h}.${b64({ ...payload, role: 'admin' })}.${s}`
      }],
      ['signature truncated', () => genuine.slice(0, -4)],
      ['two tokens glued together', () => `${genuine}.${genuine}`],
      ['not a JWT at all', () => 'hello'],
    ]
    for (const [name, forge] of forgeries) {
      it(`refuses ${name} with 401 and a Bearer challenge`, async () => {
        expectUnauthorized(await client.get('/me', forge()))
        expectUnauthorized(await client.get('/admin/users', forge()))
      })
    }

    it('still accepts the genuine token (the forgeries were refused for their forgery)', async () => {
      expect((await client.get('/me', genuine)).status).to.equal(200)
    })

    it('refuses a malformed Authorization header instead of falling back to the cookie', async () => {
      expectUnauthorized(await client.get('/me', undefined, { authorization: `Basic ${genuine}` }))
      expectUnauthorized(await client.get('/me', undefined, { authorization: 'Bearer' }))
    })
  })
})

describe('security e2e: cookies in production', function () {
  this.timeout(60_000)
  let server: TestServer

  // The harness already sets long random secrets and a public URL: what production demands.
  before(async () => { server = await startTestServer({ env: { NODE_ENV: 'production' } }) })
  after(() => server?.close())

  it('marks both cookies Secure, even though TLS ends before the app (plain HTTP here)', async () => {
    const reply = await new Client(server.url).post('/auth/login', { username: server.admin.username, password: server.admin.password })
    expect(reply.status).to.equal(200)
    const cookies = setCookies(reply)
    for (const name of ['imgtier_access', 'imgtier_refresh']) {
      expect(cookies.get(name), name).to.match(/;\s*secure/i)
      expect(cookies.get(name), name).to.match(/;\s*httponly/i)
      expect(cookies.get(name), name).to.match(/;\s*samesite=lax/i)
    }
  })
})
