import { expect } from 'chai'
import { randomUUID } from 'node:crypto'
import { Client, expectProblem, sansRequestId, request, type Reply } from '../../support/http'
import { makeJpeg } from '../../support/images'
import { startTestServer, type TestServer } from '../../support/server'

/**
 * Every route of DESIGN.md §3 × every kind of caller, generated from one table.
 * The owner and the other user are on Enterprise, so every variant is in their tier:
 * whatever refuses them here is ownership or role, never the tier.
 */

type Who = 'anonymous' | 'owner' | 'other' | 'auditor' | 'admin'
const WHO: readonly Who[] = ['anonymous', 'owner', 'other', 'auditor', 'admin']

/** A status, or a status with the problem code that must come with it. */
type Outcome = number | readonly [number, string]

interface Actor { readonly token?: string; readonly username?: string; readonly password?: string }

interface World {
  readonly client: Client
  readonly url: string
  /** The owner's image, kept for the whole table. */
  readonly imageId: string
  readonly linkUrl: string
  /** A new image of the owner (for rows that destroy it). */
  freshImage(): Promise<string>
  freshTier(): Promise<string>
  freshUser(): Promise<string>
  readonly basicTierId: string
}

interface Row {
  readonly route: string
  readonly send: (w: World, a: Actor) => Promise<Reply>
  readonly expect: Readonly<Record<Who, Outcome>>
}

const NOT_AUTH: Outcome = [401, 'unauthorized']
const NOT_FOUND: Outcome = [404, 'not_found']
const ADMIN_ONLY: Outcome = [403, 'admin_only']
const READ_ONLY: Outcome = [403, 'read_only_admin']

/** Owner-only image routes: everybody else, admins included, sees "no such image". */
const ownerOnly = (ok: number): Record<Who, Outcome> =>
  ({ anonymous: NOT_AUTH, owner: ok, other: NOT_FOUND, auditor: NOT_FOUND, admin: NOT_FOUND })
const anyUser = (ok: number): Record<Who, Outcome> =>
  ({ anonymous: NOT_AUTH, owner: ok, other: ok, auditor: ok, admin: ok })
const anyone = (ok: number): Record<Who, Outcome> =>
  ({ anonymous: ok, owner: ok, other: ok, auditor: ok, admin: ok })
const adminRead: Record<Who, Outcome> = { anonymous: NOT_AUTH, owner: ADMIN_ONLY, other: ADMIN_ONLY, auditor: 200, admin: 200 }
const adminWrite = (ok: number): Record<Who, Outcome> =>
  ({ anonymous: NOT_AUTH, owner: ADMIN_ONLY, other: ADMIN_ONLY, auditor: READ_ONLY, admin: ok })

const call = (w: World, a: Actor, method: string, path: string, json?: unknown) =>
  request(`${w.url}${path}`, { method, token: a.token, json })

const unique = () => randomUUID().slice(0, 8)

const TABLE: readonly Row[] = [
  { route: 'POST /auth/login', expect: { ...anyone(200), anonymous: [401, 'invalid_credentials'] },
    send: (w, a) => w.client.post('/auth/login', { username: a.username ?? 'nobody', password: a.password ?? 'nothing-at-all' }) },
  { route: 'POST /auth/refresh', expect: { ...anyone(200), anonymous: NOT_AUTH },
    send: async (w, a) => {
      const refreshToken = a.username ? (await w.client.post('/auth/login', { username: a.username, password: a.password })).json.refreshToken : undefined
      return w.client.post('/auth/refresh', refreshToken ? { refreshToken } : {})
    } },
  { route: 'POST /auth/logout', expect: anyUser(204),
    // A logout ends the session it is sent with: log out a fresh one, so the actor's token lives on for the other rows.
    send: async (w, a) => {
      const token = a.username ? (await w.client.post('/auth/login', { username: a.username, password: a.password })).json.accessToken : undefined
      return call(w, { token }, 'POST', '/auth/logout', {})
    } },
  { route: 'GET /me', expect: anyUser(200), send: (w, a) => call(w, a, 'GET', '/me') },
  { route: 'POST /images', expect: anyUser(201),
    send: async (w, a) => (a.token ? w.client.upload(a.token, await makeJpeg({ width: 8, height: 8 })) : request(`${w.url}/images`, { method: 'POST', body: new FormData() })) },
  { route: 'GET /images', expect: anyUser(200), send: (w, a) => call(w, a, 'GET', '/images') },
  { route: 'GET /images/:id', expect: ownerOnly(200), send: (w, a) => call(w, a, 'GET', `/images/${w.imageId}`) },
  { route: 'GET /images/:id/thumbnails/:height', expect: ownerOnly(200), send: (w, a) => call(w, a, 'GET', `/images/${w.imageId}/thumbnails/200`) },
  { route: 'HEAD /images/:id/thumbnails/:height', expect: ownerOnly(200), send: (w, a) => call(w, a, 'HEAD', `/images/${w.imageId}/thumbnails/200`) },
  { route: 'GET /images/:id/original', expect: ownerOnly(200), send: (w, a) => call(w, a, 'GET', `/images/${w.imageId}/original`) },
  { route: 'HEAD /images/:id/original', expect: ownerOnly(200), send: (w, a) => call(w, a, 'HEAD', `/images/${w.imageId}/original`) },
  { route: 'POST /images/:id/thumbnails/:height/expiring-links', expect: ownerOnly(201),
    send: (w, a) => call(w, a, 'POST', `/images/${w.imageId}/thumbnails/200/expiring-links`, { expiresIn: 600 }) },
  { route: 'POST /images/:id/original/expiring-links', expect: ownerOnly(201),
    send: (w, a) => call(w, a, 'POST', `/images/${w.imageId}/original/expiring-links`, { expiresIn: 600 }) },
  { route: 'DELETE /images/:id', expect: ownerOnly(204), send: async (w, a) => call(w, a, 'DELETE', `/images/${await w.freshImage()}`) },
  { route: 'GET /links/:token', expect: anyone(200), send: (w, a) => request(w.linkUrl, { token: a.token }) },
  { route: 'HEAD /links/:token', expect: anyone(200), send: (w, a) => request(w.linkUrl, { token: a.token, method: 'HEAD' }) },
  { route: 'GET /admin/tiers', expect: adminRead, send: (w, a) => call(w, a, 'GET', '/admin/tiers') },
  { route: 'POST /admin/tiers', expect: adminWrite(201),
    send: (w, a) => call(w, a, 'POST', '/admin/tiers', { name: `t-${unique()}`, thumbnailHeights: [100], originalLink: false, expiringLinks: false }) },
  { route: 'GET /admin/tiers/:id', expect: adminRead, send: (w, a) => call(w, a, 'GET', `/admin/tiers/${w.basicTierId}`) },
  { route: 'PATCH /admin/tiers/:id', expect: adminWrite(200), send: async (w, a) => call(w, a, 'PATCH', `/admin/tiers/${await w.freshTier()}`, { name: `t-${unique()}` }) },
  { route: 'DELETE /admin/tiers/:id', expect: adminWrite(204), send: async (w, a) => call(w, a, 'DELETE', `/admin/tiers/${await w.freshTier()}`) },
  { route: 'GET /admin/users', expect: adminRead, send: (w, a) => call(w, a, 'GET', '/admin/users') },
  { route: 'POST /admin/users', expect: adminWrite(201),
    send: (w, a) => call(w, a, 'POST', '/admin/users', { username: `u${unique()}`, password: 'correct-horse-battery', tierId: w.basicTierId, role: 'user' }) },
  { route: 'GET /admin/users/:id', expect: adminRead, send: async (w, a) => call(w, a, 'GET', `/admin/users/${await w.freshUser()}`) },
  { route: 'PATCH /admin/users/:id', expect: adminWrite(200), send: async (w, a) => call(w, a, 'PATCH', `/admin/users/${await w.freshUser()}`, { active: false }) },
  { route: 'DELETE /admin/users/:id', expect: adminWrite(204), send: async (w, a) => call(w, a, 'DELETE', `/admin/users/${await w.freshUser()}`) },
  { route: 'GET /healthz', expect: anyone(200), send: (w, a) => call(w, a, 'GET', '/healthz') },
  { route: 'GET /readyz', expect: anyone(200), send: (w, a) => call(w, a, 'GET', '/readyz') },
  { route: 'GET /metrics', expect: anyone(200), send: (w, a) => call(w, a, 'GET', '/metrics') },
  { route: 'GET /openapi.json', expect: anyone(200), send: (w, a) => call(w, a, 'GET', '/openapi.json') },
  { route: 'GET /docs', expect: anyone(200), send: (w, a) => call(w, a, 'GET', '/docs') },
]

describe('security e2e: authorization matrix (DESIGN.md §3 × callers)', function () {
  this.timeout(60_000)
  let server: TestServer
  let world: World
  const actors = new Map<Who, Actor>()

  before(async () => {
    server = await startTestServer()
    const client = new Client(server.url)
    const adminToken = await client.login(server.admin.username, server.admin.password)
    const owner = await client.newUser(adminToken, 'Enterprise')
    const other = await client.newUser(adminToken, 'Enterprise')
    const auditor = await client.newUser(adminToken, 'Basic', 'auditor')
    actors.set('anonymous', {})
    actors.set('owner', owner)
    actors.set('other', other)
    actors.set('auditor', auditor)
    actors.set('admin', { token: adminToken, ...server.admin })
    const freshImage = async () => {
      const r = await client.upload(owner.token, await makeJpeg({ width: 24, height: 16 }))
      expect(r.status, r.body.toString()).to.equal(201)
      return String(r.json.id)
    }
    const imageId = await freshImage()
    const link = await client.post(`/images/${imageId}/thumbnails/200/expiring-links`, { expiresIn: 600 }, owner.token)
    expect(link.status).to.equal(201)
    world = {
      client, url: server.url, imageId, linkUrl: link.json.url, freshImage, basicTierId: await basicTier(client, adminToken),
      freshTier: async () => {
        const r = await client.post('/admin/tiers', { name: `t-${unique()}`, thumbnailHeights: [120], originalLink: false, expiringLinks: false }, adminToken)
        expect(r.status).to.equal(201)
        return String(r.json.id)
      },
      freshUser: async () => (await client.newUser(adminToken, 'Basic')).id,
    }
  })
  after(() => server?.close())

  it('covers every route of DESIGN.md §3 (and the table has no duplicate)', () => {
    const routes = TABLE.map((r) => r.route)
    expect(new Set(routes).size).to.equal(routes.length)
    expect(routes).to.include.members([
      'POST /auth/login', 'POST /auth/refresh', 'POST /auth/logout', 'GET /me', 'POST /images', 'GET /images', 'GET /images/:id',
      'DELETE /images/:id', 'GET /images/:id/thumbnails/:height', 'GET /images/:id/original', 'GET /links/:token',
      'POST /images/:id/thumbnails/:height/expiring-links', 'POST /images/:id/original/expiring-links',
      'GET /admin/tiers', 'POST /admin/tiers', 'PATCH /admin/tiers/:id', 'DELETE /admin/users/:id', 'GET /readyz', 'GET /metrics',
    ])
  })

  for (const row of TABLE) {
    for (const who of WHO) {
      const outcome = row.expect[who]
      const [status, code] = typeof outcome === 'number' ? [outcome, undefined] : outcome
      it(`${row.route} as ${who} → ${status}${code ? ` ${code}` : ''}`, async () => {
        const reply = await row.send(world, actors.get(who) ?? {})
        if (code !== undefined && row.route.startsWith('HEAD ')) expect(reply.status).to.equal(status)
        else if (code !== undefined) expectProblem(reply, status, code)
        else expect(reply.status, reply.body.toString('utf8').slice(0, 300)).to.equal(status)
        if (status === 401) expect(reply.headers.get('www-authenticate')).to.match(/^Bearer\b/)
      })
    }
  }

  it("another user's image answers byte for byte like a missing one", async () => {
    const other = actors.get('other')?.token
    for (const suffix of ['', '/thumbnails/200', '/original']) {
      const theirs = await world.client.get(`/images/${world.imageId}${suffix}`, other)
      const missing = await world.client.get(`/images/${randomUUID()}${suffix}`, other)
      expect(theirs.status).to.equal(404)
      expect(sansRequestId(theirs.json)).to.deep.equal(sansRequestId(missing.json))
    }
    const theirs = await world.client.post(`/images/${world.imageId}/original/expiring-links`, { expiresIn: 600 }, other)
    const missing = await world.client.post(`/images/${randomUUID()}/original/expiring-links`, { expiresIn: 600 }, other)
    expect(sansRequestId(theirs.json)).to.deep.equal(sansRequestId(missing.json))
  })

  it('the owner still has the image after every non-owner tried to delete it', async () => {
    const listed = await world.client.get('/images?limit=100', actors.get('owner')?.token)
    expect(listed.json.results.map((i: { id: string }) => i.id)).to.include(world.imageId)
  })
})

const basicTier = async (client: Client, adminToken: string): Promise<string> => {
  const tiers = await client.get('/admin/tiers?limit=100', adminToken)
  const basic = tiers.json.results.find((t: { name: string }) => t.name === 'Basic')
  expect(basic).to.exist
  return String(basic.id)
}
