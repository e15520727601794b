import { expect } from 'chai'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freshPglite, freshPostgresUrl, type EmptyDatabase } from '../support/database'
import { makeJpeg } from '../support/images'
import { Client, expectProblem } from '../support/http'
import { startTestServer, type TestServer } from '../support/server'

/**
 * Two API instances on one database: a tier edit or a user's move through one is
 * enforced by that one on the very next request, and by the other as soon as the
 * invalidation reaches it (NOTIFY: milliseconds), never later than IMGTIER_CACHE_TTL_MS
 * (DESIGN.md "Hot-path caches"; test/e2e/cache-invalidation.test.ts measures it).
 * On real Postgres each instance has its own pool and both migrate at start, at once.
 */

/** What the other instance answers, polled until it is `status` or the cache TTL (default 2 s) has passed. */
const soon = async (status: number, ask: () => Promise<{ status: number }>): Promise<number> => {
  const deadline = performance.now() + 2_000 + 250
  let last = (await ask()).status
  while (last !== status && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10))
    last = (await ask()).status
  }
  return last
}
describe('two API instances on one database', function () {
  this.timeout(90_000)
  let a: TestServer
  let b: TestServer
  let empty: EmptyDatabase | undefined
  let kind: string
  // Instances of one deployment share their configuration: admin, token and link secrets.
  const sameAdmin = {
    IMGTIER_ADMIN_USERNAME: 'admin',
    IMGTIER_ADMIN_PASSWORD: 'shared-admin-password',
    IMGTIER_JWT_SECRET: 'one-deployment-one-jwt-secret-for-every-instance',
    IMGTIER_LINK_KEYS: 'k1:one-deployment-one-link-key-for-every-instance',
  }

  // One deployment: one database and one blob store (here a shared data dir).
  const dataDir = mkdtempSync(path.join(tmpdir(), 'imgtier-two-'))

  before(async () => {
    empty = await freshPostgresUrl()
    if (empty) {
      kind = 'real Postgres, one pool per instance'
      const env = { DATABASE_URL: empty.url, ...sameAdmin }
      ;[a, b] = await Promise.all([startTestServer({ env, dataDir }), startTestServer({ env, dataDir })])
    } else {
      // PGlite is one process: the two apps share its one connection, which still proves no per-instance cache.
      console.log('    (no real Postgres: both instances share one embedded PGlite in this process)')
      kind = 'shared PGlite'
      const database = await freshPglite()
      a = await startTestServer({ database, dataDir, env: sameAdmin })
      b = await startTestServer({ database, dataDir, env: sameAdmin })
    }
  })
  after(async () => {
    await a?.close()
    await b?.close()
    await empty?.drop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('sees a tier edit made through the other instance within the cache TTL, and a move at once where it was made', async () => {
    expect(kind).to.be.a('string')
    const viaA = new Client(a.url)
    const viaB = new Client(b.url)
    const adminA = await viaA.login(a.admin.username, a.admin.password)
    const tier = (await viaA.post('/admin/tiers', { name: `Shared ${Date.now()}`, thumbnailHeights: [200] }, adminA)).json
    const created = await viaA.post('/admin/users', { username: `twin${Date.now()}`, password: 'correct-horse', tierId: tier.id }, adminA)
    expect(created.status).to.equal(201)
    const userB = await viaB.login(created.json.username, 'correct-horse')
    const image = (await viaB.upload(userB, await makeJpeg({ width: 500, height: 400 }), 'twin.jpg')).json
    expectProblem(await viaB.get(`/images/${image.id}/thumbnails/400`, userB), 403, 'tier_forbids_size')

    await viaA.patch(`/admin/tiers/${tier.id}`, { thumbnailHeights: [200, 400], originalLink: true }, adminA)
    expect(await soon(200, () => viaB.get(`/images/${image.id}/thumbnails/400`, userB))).to.equal(200)
    expect(Object.keys((await viaB.get(`/images/${image.id}`, userB)).json.links)).to.have.members(['thumbnails', 'original'])

    const basic = (await viaA.get('/admin/tiers?limit=100', adminA)).json.results.find((t: { name: string }) => t.name === 'Basic')
    const adminB = await viaB.login(b.admin.username, b.admin.password)
    expect((await viaB.patch(`/admin/users/${created.json.id}`, { tierId: basic.id }, adminB)).status).to.equal(200)
    const userA = await viaA.login(created.json.username, 'correct-horse')
    expectProblem(await viaA.get(`/images/${image.id}/original`, userA), 403, 'tier_forbids_original')
    expectProblem(await viaB.get(`/images/${image.id}/original`, userB), 403, 'tier_forbids_original')
  })

  it('renders a thumbnail once between them, however many first requests reach either', async () => {
    const viaA = new Client(a.url)
    const viaB = new Client(b.url)
    const adminA = await viaA.login(a.admin.username, a.admin.password)
    const user = await viaA.newUser(adminA, 'Premium')
    const image = (await viaA.upload(user.token, await makeJpeg({ width: 1600, height: 1200 }), 'once.jpg')).json
    const before = a.renders() + b.renders()
    const path = `/images/${image.id}/thumbnails/400`
    const replies = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? viaA : viaB).get(path, user.token)))
    expect(replies.map((r) => r.status)).to.deep.equal(Array(16).fill(200))
    expect(new Set(replies.map((r) => r.body.toString('base64'))).size).to.equal(1)
    expect(a.renders() + b.renders() - before, `renders across both instances (${kind})`).to.equal(1)
  })
})
