import { expect } from 'chai'
import { spawn } from 'node:child_process'
import path from 'node:path'
import { Client, expectProblem, request } from '../../support/http'
import { makeJpeg } from '../../support/images'
import { startTestServer, type TestServer } from '../../support/server'

/** What a browser relies on: security headers, CORS for configured origins only, CSRF refusal. */

const ALLOWED = 'https://app.example.com'

describe('security e2e: browser-facing safety', function () {
  this.timeout(60_000)
  let server: TestServer
  let client: Client
  let user: { id: string; token: string; username: string; password: string }
  let accessCookie: string
  let imageId: string

  before(async () => {
    server = await startTestServer({ env: { IMGTIER_CORS_ORIGINS: `${ALLOWED},https://admin.example.com` } })
    client = new Client(server.url)
    const adminToken = await client.login(server.admin.username, server.admin.password)
    user = await client.newUser(adminToken, 'Enterprise')
    const login = await client.post('/auth/login', { username: user.username, password: user.password })
    accessCookie = (login.headers.getSetCookie().find((c) => c.startsWith('imgtier_access=')) ?? '').split(';')[0]
    expect(accessCookie).to.match(/^imgtier_access=.+/)
    imageId = (await client.upload(user.token, await makeJpeg({ width: 16, height: 16 }))).json.id
  })
  after(() => server?.close())

  it('sends helmet security headers on JSON, problems and bytes alike', async () => {
    for (const reply of [await client.get('/me', user.token), await client.get('/nope'), await client.get(`/images/${imageId}/original`, user.token)]) {
      expect(reply.headers.get('x-content-type-options')).to.equal('nosniff')
      expect(reply.headers.get('x-frame-options')).to.equal('SAMEORIGIN')
      expect(reply.headers.get('strict-transport-security')).to.match(/max-age=\d+/)
      expect(reply.headers.get('content-security-policy')).to.match(/default-src 'self'/)
      expect(reply.headers.get('referrer-policy')).to.equal('no-referrer')
      expect(reply.headers.get('x-powered-by')).to.equal(null)
    }
  })

  it('CORS: a configured origin is echoed with credentials; any other origin gets no CORS header', async () => {
    const allowed = await client.get('/me', user.token, { origin: ALLOWED })
    expect(allowed.headers.get('access-control-allow-origin')).to.equal(ALLOWED)
    expect(allowed.headers.get('access-control-allow-credentials')).to.equal('true')
    const preflight = await request(`${server.url}/images/${imageId}`, {
      method: 'OPTIONS', headers: { origin: ALLOWED, 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'authorization' },
    })
    expect(preflight.status).to.be.within(200, 204)
    expect(preflight.headers.get('access-control-allow-origin')).to.equal(ALLOWED)
    for (const origin of ['https://evil.example.com', 'null', `${ALLOWED}.evil.com`]) {
      const reply = await client.get('/me', user.token, { origin })
      expect(reply.headers.get('access-control-allow-origin'), origin).to.equal(null)
      const pre = await request(`${server.url}/me`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } })
      expect(pre.headers.get('access-control-allow-origin'), origin).to.equal(null)
    }
  })

  describe('CSRF: cookie-authenticated changes must prove they are not a cross-site form', () => {
    const cookieRequest = (method: string, p: string, headers: Record<string, string>, body?: string) =>
      request(`${server.url}${p}`, { method, headers: { cookie: accessCookie, ...headers }, body })

    it('a form-encoded POST, a text/plain POST, a bare DELETE and a multipart upload are refused with 403 csrf_rejected', async () => {
      const attempts = [
        await cookieRequest('POST', `/images/${imageId}/original/expiring-links`, { 'content-type': 'application/x-www-form-urlencoded' }, 'expiresIn=600'),
        await cookieRequest('POST', '/auth/logout', { 'content-type': 'text/plain' }, '{}'),
        await cookieRequest('DELETE', `/images/${imageId}`, {}),
        await cookieRequest('POST', '/images', { 'content-type': 'multipart/form-data; boundary=x' }, '--x--\r\n'),
      ]
      for (const reply of attempts) expectProblem(reply, 403, 'csrf_rejected')
      expect((await client.get(`/images/${imageId}`, user.token)).status, 'the image survived').to.equal(200)
    })

    it('the same requests pass with a JSON content type or X-Requested-With', async () => {
      const json = await cookieRequest('POST', `/images/${imageId}/original/expiring-links`, { 'content-type': 'application/json' }, '{"expiresIn":600}')
      expect(json.status).to.equal(201)
      const xhr = await cookieRequest('POST', `/images/${imageId}/original/expiring-links`, { 'content-type': 'application/json', 'x-requested-with': 'XMLHttpRequest' }, '{"expiresIn":600}')
      expect(xhr.status).to.equal(201)
      const spare = (await client.upload(user.token, await makeJpeg({ width: 8, height: 8 }))).json.id
      expect((await cookieRequest('DELETE', `/images/${spare}`, { 'x-requested-with': 'XMLHttpRequest' })).status).to.equal(204)
    })

    it('reads with the cookie need no proof, and a bearer token needs none for changes', async () => {
      expect((await cookieRequest('GET', '/me', {})).status).to.equal(200)
      const spare = (await client.upload(user.token, await makeJpeg({ width: 8, height: 8 }))).json.id
      expect((await client.delete(`/images/${spare}`, user.token)).status).to.equal(204)
    })
  })
})

describe('security e2e: production refuses to start on weak secrets (the real process)', function () {
  this.timeout(60_000)
  const root = path.resolve(__dirname, '../../..')

  const start = (env: Record<string, string>): Promise<{ code: number | null; stderr: string }> =>
    new Promise((resolve, reject) => {
      const clean: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', ...env }
      const child = spawn(process.execPath, ['-r', '@swc-node/register', 'bootstrap/main.ts'], { cwd: root, env: clean, stdio: ['ignore', 'pipe', 'pipe'] })
      let stderr = ''
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000)
      child.once('error', reject)
      child.once('exit', (code) => { clearTimeout(killer); resolve({ code, stderr }) })
    })

  it('no secrets at all: exit 1, one line per problem', async () => {
    const { code, stderr } = await start({})
    expect(code).to.equal(1)
    const lines = stderr.trim().split('\n').map((l) => l.trim())
    expect(lines[0]).to.match(/configuration problems/)
    expect(lines.filter((l) => l.startsWith('IMGTIER_JWT_SECRET'))).to.have.length(1)
    expect(lines.filter((l) => l.startsWith('IMGTIER_LINK_KEYS'))).to.have.length(1)
    expect(lines.filter((l) => l.startsWith('IMGTIER_PUBLIC_URL'))).to.have.length(1)
  })

  it('default and short secrets: exit 1, naming each bad one and never echoing a secret', async () => {
    const { code, stderr } = await start({
      IMGTIER_JWT_SECRET: 'changeme',
      // Long enough for the key codec (16), too short for production (32): a codec failure would stop
      // loadConfig before the production checks run, hiding the JWT problem (reported as a bug).
      IMGTIER_LINK_KEYS: 'k1:twenty-chars-secret,k2:another-short-one',
      IMGTIER_PUBLIC_URL: 'https://img.example.com',
    })
    expect(code).to.equal(1)
    const lines = stderr.trim().split('\n').slice(1).map((l) => l.trim())
    expect(lines.some((l) => l.startsWith('IMGTIER_JWT_SECRET'))).to.equal(true)
    expect(lines.filter((l) => /IMGTIER_LINK_KEYS.*"k1"/.test(l))).to.have.length(1)
    expect(lines.filter((l) => /IMGTIER_LINK_KEYS.*"k2"/.test(l))).to.have.length(1)
    expect(lines.some((l) => l.startsWith('IMGTIER_PUBLIC_URL'))).to.equal(false)
    for (const secret of ['changeme', 'twenty-chars-secret', 'another-short-one']) expect(stderr).not.to.include(secret)
  })
})
