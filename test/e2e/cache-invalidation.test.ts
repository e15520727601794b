import { expect } from 'chai'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import knexFactory, { type Knex } from 'knex'
import { requirePostgres } from '../integration/persistence/postgres-only'
import { freshPostgresUrl, type EmptyDatabase } from '../support/database'
import { makeJpeg } from '../support/images'
import { Client, request } from '../support/http'
import { startTestServer, type TestServer } from '../support/server'

const TTL_MS = 2_000
/** B's listener, once terminated, stays away this long: longer than the TTL, so only the TTL can save B. */
const B_RECONNECT_MS = 3_500

/** Polls until `check` holds; resolves with the milliseconds it took, or fails after `withinMs`. */
const within = async (withinMs: number, what: string, check: () => Promise<boolean>): Promise<number> => {
  const started = performance.now()
  for (;;) {
    if (await check()) return performance.now() - started
    if (performance.now() - started > withinMs) throw new Error(`${what}: still not true after ${withinMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/**
 * Two instances with hot-path caches on one Postgres. A revocation made through A holds
 * on A's next request (local invalidation) and on B within milliseconds (NOTIFY), never
 * later than the TTL; a B that lost its listener still drops stale entries by the TTL,
 * and drops everything when its listener comes back.
 */
describe('caches on two instances: revocations reach the other instance within the TTL', function () {
  this.timeout(60_000)
  let a: TestServer
  let b: TestServer
  let empty: EmptyDatabase
  let sql: Knex
  const dataDir = mkdtempSync(path.join(tmpdir(), 'imgtier-cache-'))
  const latencies: Record<string, number> = {}

  before(async function () {
    empty = await requirePostgres(this, freshPostgresUrl)
    const env = {
      DATABASE_URL: empty.url,
      IMGTIER_CACHE_TTL_MS: String(TTL_MS),
      IMGTIER_ADMIN_USERNAME: 'admin',
      IMGTIER_ADMIN_PASSWORD: 'shared-admin-password',
      IMGTIER_JWT_SECRET: 'one-deployment-one-jwt-secret-for-every-instance',
      IMGTIER_LINK_KEYS: 'k1:one-deployment-one-link-key-for-every-instance',
    }
    a = await startTestServer({ env, dataDir })
    b = await startTestServer({ env, dataDir, caches: { listenerReconnectDelayMs: B_RECONNECT_MS } })
    await Promise.all([a.imgtier.caches.listener?.connected(), b.imgtier.caches.listener?.connected()])
    sql = knexFactory({ client: 'pg', connection: empty.url, pool: { min: 0, max: 1 } })
  })
  after(async () => {
    await sql?.destroy()
    await a?.close()
    await b?.close()
    await empty?.drop()
    rmSync(dataDir, { recursive: true, force: true })
    if (Object.keys(latencies).length > 0) {
      console.log(`    B refused after (ms, TTL ${TTL_MS}): ${Object.entries(latencies).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`)
    }
  })

  const setUp = async (tierName = 'Enterprise') => {
    const viaA = new Client(a.url)
    const viaB = new Client(b.url)
    const admin = await viaA.login(a.admin.username, a.admin.password)
    const user = await viaA.newUser(admin, tierName)
    return { viaA, viaB, admin, user }
  }

  /** B answers `ok` now (so its cache holds the entry), then after `revoke` on A: A at once, B within the TTL. */
  const revokedEverywhere = async (name: string, ask: (via: Client) => Promise<number>, ok: number, refused: number, revoke: () => Promise<void>) => {
    const viaA = new Client(a.url)
    const viaB = new Client(b.url)
    expect(await ask(viaA)).to.equal(ok)
    expect(await ask(viaB)).to.equal(ok)
    expect(await ask(viaB), 'served from B\'s cache').to.equal(ok)
    await revoke()
    expect(await ask(viaA), `${name}: A refuses on the next request`).to.equal(refused)
    latencies[name] = await within(TTL_MS, `${name}: B refuses`, async () => (await ask(viaB)) === refused)
  }

  it('logout on A ends the session on B', async () => {
    const { user } = await setUp()
    const session = await request(`${a.url}/auth/login`, { json: { username: user.username, password: user.password } })
    const { accessToken, refreshToken } = session.json
    await revokedEverywhere('logout', async (via) => (await via.get('/me', accessToken)).status, 200, 401, async () => {
      expect((await request(`${a.url}/auth/logout`, { token: accessToken, json: { refreshToken } })).status).to.equal(204)
    })
  })

  it('deactivation on A refuses the user on B', async () => {
    const { viaA, admin, user } = await setUp()
    await revokedEverywhere('deactivation', async (via) => (await via.get('/me', user.token)).status, 200, 401, async () => {
      expect((await viaA.patch(`/admin/users/${user.id}`, { active: false }, admin)).status).to.equal(200)
    })
  })

  it('a tier downgrade on A forbids the size on B', async () => {
    const { viaA, admin, user } = await setUp('Premium')
    const image = (await viaA.upload(user.token, await makeJpeg({ width: 600, height: 500 }), 'down.jpg')).json
    await revokedEverywhere('tier downgrade', async (via) => (await via.get(`/images/${image.id}/thumbnails/400`, user.token)).status, 200, 403, async () => {
      expect((await viaA.patch(`/admin/tiers/${user.tierId}`, { thumbnailHeights: [200] }, admin)).status).to.equal(200)
    })
    await viaA.patch(`/admin/tiers/${user.tierId}`, { thumbnailHeights: [200, 400] }, admin)
  })

  it('an image deleted on A is gone on B, with its expiring links', async () => {
    const { viaA, user } = await setUp()
    const image = (await viaA.upload(user.token, await makeJpeg({ width: 600, height: 500 }), 'gone.jpg')).json
    const link = (await viaA.post(`/images/${image.id}/thumbnails/200/expiring-links`, { expiresIn: 600 }, user.token)).json
    const linkOnB = link.url.replace(a.url, b.url)
    expect((await request(linkOnB)).status).to.equal(200)
    await revokedEverywhere('image delete', async (via) => (await via.get(`/images/${image.id}/thumbnails/200`, user.token)).status, 200, 404, async () => {
      expect((await viaA.delete(`/images/${image.id}`, user.token)).status).to.equal(204)
    })
    expect((await request(linkOnB)).status, 'the link is dead on B too').to.equal(404)
  })

  it('holds the TTL bound when B\'s listener is killed, and drops B\'s caches when it reconnects', async () => {
    const listener = b.imgtier.caches.listener
    expect(listener, 'B listens on Postgres').to.exist
    const pid = listener?.listenerPid()
    if (pid === undefined) throw new Error('B\'s listener has no backend pid')
    const { viaA, admin, user } = await setUp()
    const other = await viaA.newUser(admin, 'Basic')
    const viaB = new Client(b.url)
    const connectsBefore = listener?.stats().connects ?? 0

    await sql.raw('SELECT pg_terminate_backend(?)', [pid])
    await within(2_000, 'B notices its listener is gone', async () => listener?.listenerPid() === undefined)
    // Deaf now: fill B's cache afresh, then revoke on A; B can only learn it from the TTL.
    expect((await viaB.get('/me', user.token)).status).to.equal(200)
    expect((await viaB.get('/me', other.token)).status).to.equal(200)
    const revokedAt = performance.now()
    expect((await viaA.patch(`/admin/users/${user.id}`, { active: false }, admin)).status).to.equal(200)
    expect((await viaA.get('/me', user.token)).status).to.equal(401)
    expect((await viaB.get('/me', user.token)).status, 'B still trusts its entry: the notification was lost').to.equal(200)
    const waited = await within(TTL_MS + 500, 'B refuses by the TTL', async () => (await viaB.get('/me', user.token)).status === 401)
    const sinceRevoke = performance.now() - revokedAt
    latencies['deaf B, by TTL'] = sinceRevoke
    expect(sinceRevoke, 'never trusted longer than the TTL (plus one request)').to.be.below(TTL_MS + 250)
    expect(waited).to.be.above(0)

    // Back on the air: the reconnect drops what B loaded while deaf.
    expect((await viaB.get('/me', other.token)).status).to.equal(200)
    const cachedOther = b.imgtier.caches.hot.owners.stats().size + b.imgtier.caches.hot.principals.stats().size
    expect(cachedOther).to.be.above(0)
    const clearsBefore = b.imgtier.caches.hot.principals.stats().clears
    await listener?.connected()
    expect(listener?.stats().connects).to.equal(connectsBefore + 1)
    expect(b.imgtier.caches.hot.principals.stats().clears, 'the reconnected listener dropped the cache').to.be.above(clearsBefore)
    expect(b.imgtier.caches.hot.principals.stats().size).to.equal(0)
    expect(listener?.listenerPid()).to.be.a('number').and.not.equal(pid)
  })
})
