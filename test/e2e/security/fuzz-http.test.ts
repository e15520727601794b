import { expect } from 'chai'
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib'
import { hostileEncoding, hostileHeader, hostileQuery, hostileUrlPart, mutateJson, rng, type Rng } from '../../support/fuzz'
import { Client } from '../../support/http'
import { makeJpeg } from '../../support/images'
import { rawRequest, type RawRequest } from '../../support/raw-http'
import { startTestServer, type TestServer } from '../../support/server'

/**
 * Seeded fuzzing of everything but image bytes, byte for byte on the wire: JSON bodies
 * (NUL, lone surrogates, very long values) under lying Content-Encodings, query strings,
 * path segments and headers. Every answer is a 4xx or a success, never ≥ 500, and every
 * request gets an answer. The seed is fixed so that `npm test` is repeatable; FUZZ_SEED
 * explores others.
 */

const DEFAULT_SEED = 20_261_202
const COUNTS = { json: 700, query: 400, path: 500, headers: 400 } as const
const TOTAL = COUNTS.json + COUNTS.query + COUNTS.path + COUNTS.headers
const CONCURRENCY = 12
const ENCODERS: Readonly<Record<string, (b: Buffer) => Buffer>> = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync }

interface World {
  readonly userToken: string
  readonly adminToken: string
  readonly imageId: string
  readonly tierId: string
  readonly victimId: string
  readonly linkToken: string
}

/** Every mutation is drawn before any is sent, so the set is the seed's alone, whatever the timing. */
const jsonRequests = (r: Rng, w: World, n: number): RawRequest[] => {
  const targets = [
    { method: 'POST', path: '/auth/login', token: undefined, valid: { username: 'admin', password: 'wrong-password' } },
    { method: 'POST', path: '/auth/refresh', token: undefined, valid: { refreshToken: 'not-a-real-token' } },
    { method: 'POST', path: '/admin/tiers', token: w.adminToken, valid: { name: 'fz', thumbnailHeights: [120, 240], originalLink: true, expiringLinks: true, expiringLinkSeconds: { min: 300, max: 3000 } } },
    { method: 'PATCH', path: `/admin/tiers/${w.tierId}`, token: w.adminToken, valid: { name: 'renamed', thumbnailHeights: [100] } },
    { method: 'POST', path: '/admin/users', token: w.adminToken, valid: { username: 'fuzzed', password: 'correct-horse-battery', tierId: w.tierId, role: 'user' } },
    { method: 'PATCH', path: `/admin/users/${w.victimId}`, token: w.adminToken, valid: { password: 'another-long-password', tierId: w.tierId } },
    { method: 'POST', path: `/images/${w.imageId}/original/expiring-links`, token: w.userToken, valid: { expiresIn: 600 } },
    { method: 'POST', path: `/images/${w.imageId}/thumbnails/200/expiring-links`, token: w.userToken, valid: { expiresIn: 600 } },
  ]
  return Array.from({ length: n }, () => {
    const t = r.pick(targets)
    const json = Buffer.from(mutateJson(r, t.valid), 'utf8')
    const { coding, body } = r.next() < 0.35 ? hostileEncoding(r, json, ENCODERS) : { coding: '', body: json }
    const headers: [string, string][] = [['Content-Type', 'application/json']]
    if (t.token) headers.push(['Authorization', `Bearer ${t.token}`])
    if (coding) headers.push(['Content-Encoding', coding])
    return { method: t.method, target: t.path, headers, body }
  })
}

const queryRequests = (r: Rng, w: World, n: number): RawRequest[] => {
  const targets = [
    { path: '/images', token: w.userToken, keys: ['limit', 'offset', 'cursor'] },
    { path: '/admin/users', token: w.adminToken, keys: ['limit', 'offset'] },
    { path: '/admin/tiers', token: w.adminToken, keys: ['limit', 'offset'] },
    { path: `/images/${w.imageId}/thumbnails/200`, token: w.userToken, keys: ['v', 'download'] },
    { path: `/links/${w.linkToken}`, token: undefined, keys: ['download', 'exp'] },
  ]
  return Array.from({ length: n }, () => {
    const t = r.pick(targets)
    return { method: 'GET', target: `${t.path}?${hostileQuery(r, t.keys)}`, headers: t.token ? [['Authorization', `Bearer ${t.token}`]] : [] }
  })
}

const pathRequests = (r: Rng, w: World, n: number): RawRequest[] => {
  const templates: readonly { readonly build: (id: string, h: string) => string; readonly token?: string; readonly methods: readonly string[] }[] = [
    { build: (id) => `/images/${id}`, token: w.userToken, methods: ['GET', 'DELETE', 'HEAD'] },
    { build: (id, h) => `/images/${id}/thumbnails/${h}`, token: w.userToken, methods: ['GET', 'HEAD'] },
    { build: (id) => `/images/${id}/original`, token: w.userToken, methods: ['GET', 'HEAD'] },
    { build: (id, h) => `/images/${id}/thumbnails/${h}/expiring-links`, token: w.userToken, methods: ['POST'] },
    { build: (id) => `/links/${id}`, methods: ['GET', 'HEAD'] },
    { build: (id) => `/admin/tiers/${id}`, token: w.adminToken, methods: ['GET', 'PATCH', 'DELETE'] },
    { build: (id) => `/admin/users/${id}`, token: w.adminToken, methods: ['GET', 'PATCH', 'DELETE'] },
  ]
  return Array.from({ length: n }, () => {
    const t = r.pick(templates)
    const valid = r.pick([w.imageId, w.tierId, w.victimId, w.linkToken])
    const method = r.pick(t.methods)
    // A valid id only for what does not destroy the fixtures the other mutations aim at.
    const id = method === 'DELETE' || r.next() < 0.8 ? hostileUrlPart(r, valid) : valid
    const h = r.next() < 0.5 ? hostileUrlPart(r, '200') : '200'
    const headers: [string, string][] = t.token ? [['Authorization', `Bearer ${t.token}`]] : []
    const body = method === 'POST' || method === 'PATCH' ? Buffer.from('{"expiresIn":600}') : undefined
    if (body) headers.push(['Content-Type', 'application/json'])
    return { method, target: t.build(id, h), headers, body }
  })
}

const headerRequests = (r: Rng, w: World, n: number): RawRequest[] => {
  const routes = [
    { method: 'GET', path: '/me' },
    { method: 'GET', path: '/images' },
    { method: 'GET', path: `/images/${w.imageId}/thumbnails/200` },
    { method: 'GET', path: `/images/${w.imageId}/original` },
    { method: 'GET', path: `/links/${w.linkToken}` },
    { method: 'POST', path: '/auth/refresh', body: '{"refreshToken":"x"}' },
    { method: 'POST', path: `/images/${w.imageId}/original/expiring-links`, body: '{"expiresIn":600}' },
    { method: 'GET', path: '/admin/users' },
  ]
  return Array.from({ length: n }, () => {
    const route = r.pick(routes)
    const headers: (readonly [string, string])[] = r.next() < 0.5 ? [['Authorization', `Bearer ${r.pick([w.userToken, w.adminToken])}`]] : []
    for (let i = 1 + r.int(3); i > 0; i--) headers.push(hostileHeader(r, w.userToken))
    return { method: route.method, target: route.path, headers, body: route.body === undefined ? undefined : Buffer.from(route.body) }
  })
}

describe('security e2e: fuzzing JSON bodies, encodings, query strings, paths and headers on the wire (seeded)', function () {
  this.timeout(120_000)
  const seed = Number(process.env.FUZZ_SEED) > 0 ? Number(process.env.FUZZ_SEED) : DEFAULT_SEED
  let server: TestServer
  let world: World

  before(async () => {
    console.log(`    fuzz seed: ${seed} (replay with FUZZ_SEED=${seed})`)
    server = await startTestServer()
    const client = new Client(server.url)
    const adminToken = await client.login(server.admin.username, server.admin.password)
    const user = await client.newUser(adminToken, 'Enterprise')
    const imageId = (await client.upload(user.token, await makeJpeg({ width: 24, height: 16 }))).json.id
    const link = await client.post(`/images/${imageId}/thumbnails/200/expiring-links`, { expiresIn: 3_000 }, user.token)
    const tierId = (await client.post('/admin/tiers', { name: 'fuzz-http-tier', thumbnailHeights: [100], originalLink: true, expiringLinks: true }, adminToken)).json.id
    const victimId = (await client.newUser(adminToken, 'Basic')).id
    world = { userToken: user.token, adminToken, imageId, tierId, victimId, linkToken: String(link.json.url).split('/links/')[1] ?? '' }
    expect(world.linkToken).to.not.equal('')
  })
  after(() => server?.close())

  it(`${TOTAL} mutations: every one answered, none with a status ≥ 500`, async () => {
    const r = rng(seed)
    const requests = [
      ...jsonRequests(r, world, COUNTS.json),
      ...queryRequests(r, world, COUNTS.query),
      ...pathRequests(r, world, COUNTS.path),
      ...headerRequests(r, world, COUNTS.headers),
    ]
    expect(requests.length).to.be.at.least(2_000)
    const port = Number(new URL(server.url).port)
    const started = Date.now()
    const statuses = new Map<string, number>()
    const failures: string[] = []
    for (let i = 0; i < requests.length; i += CONCURRENCY) {
      const batch = requests.slice(i, i + CONCURRENCY)
      const replies = await Promise.all(batch.map((req) => rawRequest(port, req)))
      replies.forEach((reply, k) => {
        const key = String(reply.status ?? 'no answer')
        statuses.set(key, (statuses.get(key) ?? 0) + 1)
        if (reply.status === undefined || reply.status >= 500) {
          const req = batch[k]
          const sample = `${req?.method} ${req?.target.slice(0, 120)} ${JSON.stringify(req?.headers).slice(0, 200)} body ${req?.body?.subarray(0, 60).toString('hex') ?? '-'}`
          failures.push(`#${i + k} → ${key} ${reply.body.slice(0, 160)} :: ${sample}`)
        }
      })
    }
    console.log(`    ${requests.length} mutations in ${Date.now() - started} ms; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`)
    expect(failures, `seed ${seed}: ${failures.slice(0, 8).join('\n')}`).to.deep.equal([])
    // The server still serves, and the fuzzing changed nobody's role.
    const client = new Client(server.url)
    expect((await client.get('/healthz')).status).to.equal(200)
    expect((await client.get('/me', world.userToken)).json.role).to.equal('user')
  })
})
