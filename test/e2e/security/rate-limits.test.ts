import { expect } from 'chai'
import { openDatabase, type Database } from '../../../adapters/persistence'
import { freshPostgresUrl, type EmptyDatabase } from '../../support/database'
import { Client, expectProblem, type Reply } from '../../support/http'
import { makeJpeg } from '../../support/images'
import { startTestServer, type TestServer } from '../../support/server'

/**
 * Rate limits over HTTP, with budgets lowered through IMGTIER_RATE_LIMIT_<CLASS> so a
 * test reaches them in a handful of requests.
 */

const expectLimited = (reply: Reply, limit: number): void => {
  expectProblem(reply, 429, 'rate_limited')
  const retryAfter = Number(reply.headers.get('retry-after'))
  expect(retryAfter).to.be.within(1, 60)
  expect(reply.headers.get('ratelimit-limit')).to.equal(String(limit))
  expect(reply.headers.get('ratelimit-remaining')).to.equal('0')
  expect(Number(reply.headers.get('ratelimit-reset'))).to.be.within(1, 60)
}

const expectBudget = (reply: Reply, limit: number, remaining: number): void => {
  expect(reply.headers.get('ratelimit-limit')).to.equal(String(limit))
  expect(reply.headers.get('ratelimit-remaining')).to.equal(String(remaining))
  expect(reply.headers.get('retry-after')).to.equal(null)
}

const LIMITS = { login: 3, upload: 2, link: 2, read: 30 }

describe('security e2e: rate limits (memory store)', function () {
  this.timeout(60_000)
  let server: TestServer
  let client: Client
  let adminToken: string

  before(async () => {
    server = await startTestServer({
      env: {
        IMGTIER_RATE_LIMITS: 'on',
        IMGTIER_RATE_LIMIT_LOGIN: `${LIMITS.login}/60`,
        IMGTIER_RATE_LIMIT_UPLOAD: `${LIMITS.upload}/60`,
        IMGTIER_RATE_LIMIT_LINK: `${LIMITS.link}/60`,
        IMGTIER_RATE_LIMIT_READ: `${LIMITS.read}/60`,
      },
    })
    client = new Client(server.url)
    adminToken = await client.login(server.admin.username, server.admin.password)
  })
  after(() => server?.close())

  it('login: failed attempts per username + IP; then 429 even with the right password, other usernames unaffected', async () => {
    const user = await client.newUser(adminToken, 'Basic') // a successful login: it spends nothing
    const attempt = (username: string, password: string) => client.post('/auth/login', { username, password })
    expectBudget(await attempt(user.username, 'wrong-password'), LIMITS.login, 2)
    expectProblem(await attempt(user.username.toUpperCase(), 'wrong-password'), 401, 'invalid_credentials') // same budget: case-insensitive
    expectBudget(await attempt(user.username, 'wrong-again'), LIMITS.login, 0)
    expectLimited(await attempt(user.username, user.password), LIMITS.login)
    const other = await client.newUser(adminToken, 'Basic')
    expect(other.token).to.be.a('string')
  })

  it('login: successes never use the budget up, and clear earlier misses', async () => {
    const user = await client.newUser(adminToken, 'Basic')
    const attempt = (password: string) => client.post('/auth/login', { username: user.username, password })
    expectProblem(await attempt('wrong-password'), 401, 'invalid_credentials')
    expectProblem(await attempt('wrong-password'), 401, 'invalid_credentials')
    for (let i = 0; i < LIMITS.login * 2; i++) {
      const ok = await attempt(user.password)
      expect(ok.status).to.equal(200)
      expect(ok.headers.get('ratelimit-remaining')).to.equal(String(LIMITS.login))
    }
    expectBudget(await attempt('wrong-password'), LIMITS.login, LIMITS.login - 1)
  })

  it('upload: per user', async () => {
    const user = await client.newUser(adminToken, 'Basic')
    const jpeg = await makeJpeg({ width: 8, height: 8 })
    expectBudget(await client.upload(user.token, jpeg), LIMITS.upload, 1)
    expectBudget(await client.upload(user.token, jpeg), LIMITS.upload, 0)
    expectLimited(await client.upload(user.token, jpeg), LIMITS.upload)
    const [{ n }] = await server.database.knex('images').where({ owner_id: user.id }).count({ n: '*' })
    expect(Number(n), 'the refused upload stored nothing').to.equal(2)
  })

  it('link creation: per user, apart from reads', async () => {
    const user = await client.newUser(adminToken, 'Enterprise')
    const image = await client.upload(user.token, await makeJpeg({ width: 8, height: 8 }))
    const create = () => client.post(`/images/${image.json.id}/original/expiring-links`, { expiresIn: 600 }, user.token)
    expect((await create()).status).to.equal(201)
    expect((await create()).status).to.equal(201)
    expectLimited(await create(), LIMITS.link)
    expect((await client.get(`/images/${image.json.id}`, user.token)).status).to.equal(200)
  })

  it('reads: per user; one user at the limit leaves another untouched', async () => {
    const [a, b] = [await client.newUser(adminToken, 'Basic'), await client.newUser(adminToken, 'Basic')]
    for (let i = 0; i < LIMITS.read; i++) expect((await client.get('/me', a.token)).status, `read ${i + 1}`).to.equal(200)
    expectLimited(await client.get('/images', a.token), LIMITS.read)
    expect((await client.get('/me', b.token)).status).to.equal(200)
  })

  it('anonymous reads: per IP (expiring links)', async () => {
    const user = await client.newUser(adminToken, 'Enterprise')
    const image = await client.upload(user.token, await makeJpeg({ width: 8, height: 8 }))
    const link = await client.post(`/images/${image.json.id}/original/expiring-links`, { expiresIn: 600 }, user.token)
    const path = new URL(link.json.url).pathname
    let last = await client.get(path)
    expect(last.status, 'the link works before the budget runs out').to.equal(200)
    for (let i = 1; i <= LIMITS.read && last.status !== 429; i++) last = await client.get(path)
    expectLimited(last, LIMITS.read)
  })
})

describe('security e2e: password spraying (per-IP failure budget, memory store)', function () {
  this.timeout(60_000)
  let server: TestServer
  let client: Client

  before(async () => {
    server = await startTestServer({ env: { IMGTIER_RATE_LIMITS: 'on', IMGTIER_RATE_LIMIT_LOGIN: '3/60', IMGTIER_RATE_LIMIT_LOGIN_IP: '5/60' } })
    client = new Client(server.url)
  })
  after(() => server?.close())

  it('one IP trying many usernames meets its own budget; successes give their point back', async () => {
    const adminToken = await client.login(server.admin.username, server.admin.password)
    const user = await client.newUser(adminToken, 'Basic')
    const attempt = (username: string, password: string) => client.post('/auth/login', { username, password })
    for (let i = 0; i < 8; i++) expect((await attempt(user.username, user.password)).status).to.equal(200)
    // Each username is new, so the per-username budget never bites: only the IP's does.
    for (let i = 0; i < 5; i++) expectProblem(await attempt(`sprayed-${i}`, 'Winter2026!'), 401, 'invalid_credentials')
    expectLimited(await attempt('sprayed-5', 'Winter2026!'), 5)
    // Blocked from this IP, even with the right password: the sprayer cannot tell a hit.
    expectLimited(await attempt(user.username, user.password), 5)
  })
})

describe('security e2e: rate limits shared by two instances (Postgres store)', function () {
  this.timeout(90_000)
  const servers: TestServer[] = []
  let empty: EmptyDatabase | undefined
  let database: Database | undefined

  before(async function () {
    empty = await freshPostgresUrl()
    if (empty === undefined) {
      console.warn('    SKIPPED: no real Postgres (set TEST_DATABASE_URL); the shared store cannot be proven on embedded PGlite, which serves one process')
      this.skip()
    }
    database = await openDatabase({ url: empty.url, migrate: true })
    const env = {
      DATABASE_URL: empty.url,
      IMGTIER_RATE_LIMITS: 'on',
      IMGTIER_RATE_LIMIT_STORE: 'postgres',
      IMGTIER_RATE_LIMIT_LOGIN: '4/60',
      IMGTIER_RATE_LIMIT_LOGIN_IP: '6/60',
      // Both instances ensure the same admin, so neither resets the other's password.
      IMGTIER_ADMIN_USERNAME: 'admin',
      IMGTIER_ADMIN_PASSWORD: 'shared-admin-password',
    }
    // One after the other: the first creates the limiter table, the second finds it.
    servers.push(await startTestServer({ database, env }))
    servers.push(await startTestServer({ database, env }))
  })
  after(async () => {
    for (const s of servers) await s.close()
    await database?.close()
    await empty?.drop()
  })

  it('login attempts spent on one instance count on the other: one budget of 4', async () => {
    const [a, b] = servers.map((s) => new Client(s.url))
    const attempt = (c: Client) => c.post('/auth/login', { username: 'mallory-target', password: 'guess' })
    const statuses = [await attempt(a), await attempt(b), await attempt(a), await attempt(b)].map((r) => r.status)
    expect(statuses).to.deep.equal([401, 401, 401, 401])
    expectLimited(await attempt(a), 4)
    expectLimited(await attempt(b), 4)
    const rows = await servers[0].database.knex('rate_limits').count({ n: '*' })
    expect(Number(rows[0].n)).to.be.greaterThan(0)
  })

  it('failed logins across usernames share one per-IP budget of 6 on both instances', async () => {
    const [a, b] = servers.map((s) => new Client(s.url))
    // The test above spent 4 of the IP's 6 points (its refused tries gave theirs back).
    expectProblem(await a.post('/auth/login', { username: 'spray-1', password: 'guess' }), 401, 'invalid_credentials')
    expectProblem(await b.post('/auth/login', { username: 'spray-2', password: 'guess' }), 401, 'invalid_credentials')
    expectLimited(await a.post('/auth/login', { username: 'spray-3', password: 'guess' }), 6)
    expectLimited(await b.post('/auth/login', { username: 'spray-4', password: 'guess' }), 6)
  })
})
