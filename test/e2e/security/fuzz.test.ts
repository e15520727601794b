import { expect } from 'chai'
import { fuzzSeed, mutateBytes, mutateJson, rng } from '../../support/fuzz'
import { Client, request, type Reply } from '../../support/http'
import { makeJpeg, makePng } from '../../support/images'
import { startTestServer, type TestServer } from '../../support/server'
import { expectFootprint, footprint } from './support/debris'

/**
 * Bounded, seeded fuzzing over HTTP: mutated JPEG/PNG uploads and mutated JSON bodies.
 * Whatever comes in, the answer is never 5xx, the server never dies, memory stays bounded.
 * Replay a failure with FUZZ_SEED=<the printed seed>.
 */

const UPLOADS = 160
const JSON_BODIES = 200
const RSS_GROWTH_LIMIT = 256 * 1024 * 1024

describe('security e2e: fuzzing uploads and JSON bodies (seeded)', function () {
  this.timeout(120_000)
  const seed = fuzzSeed()
  let server: TestServer
  let client: Client
  let adminToken: string
  let userToken: string
  let imageId: string
  let tierId: string
  let victimId: string

  before(async () => {
    console.log(`    fuzz seed: ${seed} (replay with FUZZ_SEED=${seed})`)
    server = await startTestServer({ env: { IMGTIER_MAX_PIXELS: '4000000', IMGTIER_MAX_UPLOAD_BYTES: String(512 * 1024) } })
    client = new Client(server.url)
    adminToken = await client.login(server.admin.username, server.admin.password)
    const user = await client.newUser(adminToken, 'Enterprise')
    userToken = user.token
    imageId = (await client.upload(userToken, await makeJpeg({ width: 24, height: 16 }))).json.id
    victimId = (await client.newUser(adminToken, 'Basic')).id
    tierId = (await client.post('/admin/tiers', { name: 'fuzz-tier', thumbnailHeights: [100], originalLink: true, expiringLinks: true }, adminToken)).json.id
  })
  after(() => server?.close())

  const never5xx = (reply: Reply, what: string, input: Buffer | string): void => {
    const sample = (typeof input === 'string' ? Buffer.from(input, 'latin1') : input).subarray(0, 48).toString('hex')
    expect(reply.status, `seed ${seed}: ${what} answered ${reply.status} ${reply.body.toString('utf8').slice(0, 200)}; input starts ${sample}`).to.be.below(500)
  }

  it(`${UPLOADS} mutated JPEG/PNG uploads: never 5xx; what is refused leaves nothing behind`, async () => {
    const r = rng(seed)
    const seeds = [await makeJpeg({ width: 40, height: 30 }), await makeJpeg({ width: 24, height: 24, orientation: 6 }), await makePng({ width: 32, height: 20 }), await makePng({ width: 16, height: 16, alpha: true })]
    const start = await footprint(server)
    let accepted = 0
    const statuses = new Map<number, number>()
    const rssBefore = process.memoryUsage().rss
    for (let i = 0; i < UPLOADS; i++) {
      const bytes = mutateBytes(r, r.pick(seeds))
      const reply = await client.upload(userToken, bytes, r.pick(['a.jpg', 'b.png', 'c', '.jpg']))
      never5xx(reply, `upload #${i}`, bytes)
      statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1)
      if (reply.status === 201) accepted++
      else expect(reply.json?.code, `seed ${seed}: upload #${i} refused without a problem code`).to.be.a('string')
    }
    await expectFootprint(server, { rows: start.rows + accepted, files: start.files + accepted })
    const growth = process.memoryUsage().rss - rssBefore
    console.log(`    uploads by status: ${JSON.stringify(Object.fromEntries(statuses))}; rss growth ${Math.round(growth / 1024 / 1024)} MiB`)
    expect(growth, `seed ${seed}: rss grew by ${growth} bytes`).to.be.below(RSS_GROWTH_LIMIT)
    expect((await client.get('/healthz')).status).to.equal(200)
  })

  it(`${JSON_BODIES} mutated JSON bodies (login, refresh, tiers, users, expiring links): never 5xx`, async () => {
    const r = rng(seed ^ 0x5bd1e995)
    const targets: readonly { method: string; path: string; token?: string; valid: Record<string, unknown> }[] = [
      { method: 'POST', path: '/auth/login', valid: { username: server.admin.username, password: 'wrong-password' } },
      { method: 'POST', path: '/auth/refresh', valid: { refreshToken: 'not-a-real-token' } },
      { method: 'POST', path: '/admin/tiers', token: adminToken, valid: { name: 'fz', thumbnailHeights: [120, 240], originalLink: true, expiringLinks: true, expiringLinkSeconds: { min: 300, max: 3000 } } },
      { method: 'PATCH', path: `/admin/tiers/${tierId}`, token: adminToken, valid: { thumbnailHeights: [100], expiringLinkSeconds: { min: 60, max: 600 } } },
      { method: 'POST', path: '/admin/users', token: adminToken, valid: { username: 'fuzzed', password: 'correct-horse-battery', tierId, role: 'user' } },
      { method: 'PATCH', path: `/admin/users/${victimId}`, token: adminToken, valid: { tierId, role: 'user', active: true } },
      { method: 'POST', path: `/images/${imageId}/original/expiring-links`, token: userToken, valid: { expiresIn: 600 } },
      { method: 'POST', path: `/images/${imageId}/thumbnails/200/expiring-links`, token: userToken, valid: { expiresIn: 600 } },
    ]
    const rssBefore = process.memoryUsage().rss
    for (let i = 0; i < JSON_BODIES; i++) {
      const target = r.pick(targets)
      const body = mutateJson(r, target.valid)
      const reply = await request(`${server.url}${target.path}`, {
        method: target.method, token: target.token, body, headers: { 'content-type': r.next() < 0.9 ? 'application/json' : 'application/json; charset=latin1' },
      })
      never5xx(reply, `${target.method} ${target.path} #${i}`, body)
    }
    const growth = process.memoryUsage().rss - rssBefore
    expect(growth, `seed ${seed}: rss grew by ${growth} bytes`).to.be.below(RSS_GROWTH_LIMIT)
    // The prototype-pollution bodies changed nobody's role, and the server still serves.
    expect(Object.prototype).not.to.have.property('role')
    expect((await client.get('/me', userToken)).json.role).to.equal('user')
  })
})
