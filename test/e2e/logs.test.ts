import { Writable } from 'node:stream'
import { expect } from 'chai'
import { makeLogger } from '../../bootstrap/logger'
import { Client, expectProblem, request } from '../support/http'
import { makeJpeg } from '../support/images'
import { startTestServer, type TestServer } from '../support/server'

/** Every line the server logs, parsed; the raw text too, to search for secrets anywhere in it. */
const captureLogs = () => {
  const raw: string[] = []
  const stream = new Writable({ write(chunk: Buffer, _enc, done) { raw.push(chunk.toString('utf8')); done() } })
  return {
    logger: makeLogger('trace', stream),
    text: () => raw.join(''),
    lines: (): Record<string, unknown>[] => raw.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l)),
  }
}

const accessLines = (lines: Record<string, unknown>[]) => lines.filter((l) => l.msg === 'request')

describe('logs: request ids, access log, no secrets', function () {
  this.timeout(60_000)
  let server: TestServer
  let api: Client
  const logs = captureLogs()

  before(async () => {
    server = await startTestServer({ logger: logs.logger })
    api = new Client(server.url)
  })
  after(() => server?.close())

  it('honours a valid incoming X-Request-Id: echoed, in the problem body and on the log line', async () => {
    const id = 'edge-proxy.7f3c:42/abc=='
    const reply = await request(`${server.url}/images`, { headers: { 'x-request-id': id } })
    expectProblem(reply, 401, 'unauthorized')
    expect(reply.headers.get('x-request-id')).to.equal(id)
    expect(reply.json.requestId).to.equal(id)
    const line = accessLines(logs.lines()).find((l) => l.requestId === id)
    expect(line, 'access line with the caller\'s id').to.include({ level: 30, method: 'GET', route: '/images', status: 401 })
  })

  it('replaces an overlong or oddly spelt request id with one of its own', async () => {
    for (const bad of ['x'.repeat(129), 'has spaces in it', 'line\\nbreak', '<script>', 'ünïcode']) {
      const reply = await request(`${server.url}/nowhere`, { headers: { 'x-request-id': bad } })
      expectProblem(reply, 404, 'not_found')
      const given = reply.headers.get('x-request-id') ?? ''
      expect(given, bad).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
      expect(reply.json.requestId).to.equal(given)
    }
    const ok = await request(`${server.url}/healthz`, { headers: { 'x-request-id': 'a'.repeat(128) } })
    expect(ok.headers.get('x-request-id')).to.equal('a'.repeat(128))
  })

  it('logs one info line per request, each with its id, and never a token, password, cookie or link signature', async () => {
    const before = accessLines(logs.lines()).length
    let requests = 0
    const count = <T>(reply: T): T => { requests++; return reply }
    const admin = count(await request(`${server.url}/auth/login`, { json: { username: server.admin.username, password: server.admin.password } }))
    const adminToken: string = admin.json.accessToken
    const tiers = count(await api.get('/admin/tiers?limit=100', adminToken))
    const enterprise = tiers.json.results.find((t: { name: string }) => t.name === 'Enterprise')
    const password = 'session-password-Zq81x'
    const created = count(await api.post('/admin/users', { username: 'logwatcher', password, tierId: enterprise.id }, adminToken))
    expect(created.status).to.equal(201)
    const wrongPassword = 'wrong-password-Kp27'
    expectProblem(count(await request(`${server.url}/auth/login`, { json: { username: 'logwatcher', password: wrongPassword } })), 401, 'invalid_credentials')
    const login = count(await request(`${server.url}/auth/login`, { json: { username: 'logwatcher', password } }))
    const cookies = login.headers.getSetCookie().map((c) => c.split(';')[0] ?? '')
    const { accessToken, refreshToken } = login.json
    expect(count(await request(`${server.url}/me`, { headers: { cookie: cookies.join('; ') } })).status).to.equal(200)
    const upload = count(await api.upload(accessToken, await makeJpeg({ width: 64, height: 48 })))
    expect(upload.status).to.equal(201)
    const link = count(await api.post(`/images/${upload.json.id}/thumbnails/200/expiring-links`, { expiresIn: 600 }, accessToken))
    expect(link.status).to.equal(201)
    const token = String(link.json.url).split('/links/')[1] ?? ''
    const signature = token.split('.').pop() ?? ''
    expect(count(await request(link.json.url)).status).to.equal(200)
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`
    expectProblem(count(await request(`${server.url}/links/${tampered}`)), 403, 'link_invalid')
    expectProblem(count(await request(`${server.url}/links/${token}/extra?token=${token}`)), 404, 'not_found')
    const refreshed = count(await request(`${server.url}/auth/refresh`, { json: { refreshToken } }))
    expect(refreshed.status).to.equal(200)
    expect(count(await request(`${server.url}/auth/logout`, { token: refreshed.json.accessToken, json: { refreshToken: refreshed.json.refreshToken } })).status).to.equal(204)

    const lines = logs.lines()
    const access = accessLines(lines).slice(before)
    expect(access).to.have.length(requests)
    for (const line of access) {
      expect(line.level, JSON.stringify(line)).to.equal(30)
      expect(line.requestId, JSON.stringify(line)).to.be.a('string').and.not.be.empty
    }
    expect(access.map((l) => l.route)).to.include.members(['/auth/login', '/links/:token', '/links/…'])
    const text = logs.text()
    const secrets = {
      adminPassword: server.admin.password, password, wrongPassword, accessToken, refreshToken, adminToken,
      refreshedAccess: refreshed.json.accessToken, refreshedRefresh: refreshed.json.refreshToken, token, signature, tampered,
      ...Object.fromEntries(cookies.map((c, i) => [`cookie${i}`, c.split('=')[1] ?? ''])),
    }
    for (const [what, secret] of Object.entries(secrets)) {
      expect(secret.length, what).to.be.greaterThan(8)
      expect(text.includes(secret), `${what} appears in the logs`).to.equal(false)
    }
  })

  it('IMGTIER_ACCESS_LOG=off silences the access log, not the request ids', async () => {
    const quiet = captureLogs()
    const other = await startTestServer({ logger: quiet.logger, env: { IMGTIER_ACCESS_LOG: 'off' } })
    try {
      const reply = await request(`${other.url}/healthz`, { headers: { 'x-request-id': 'quiet-1' } })
      expect(reply.headers.get('x-request-id')).to.equal('quiet-1')
      expectProblem(await request(`${other.url}/me`), 401, 'unauthorized')
      expect(accessLines(quiet.lines())).to.have.length(0)
    } finally {
      await other.close()
    }
  })
})
