import { expect } from 'chai'
import { Client, expectProblem, request } from '../support/http'
import { startTestServer, type TestServer } from '../support/server'

describe('operations: health, readiness, metrics, API description', function () {
  this.timeout(60_000)
  let server: TestServer
  let api: Client
  let adminToken: string

  before(async () => {
    server = await startTestServer({ env: { IMGTIER_METRICS_TOKEN: 'metrics-secret-token' } })
    api = new Client(server.url)
    adminToken = await api.login(server.admin.username, server.admin.password)
  })
  after(() => server?.close())

  it('answers liveness and readiness of database and storage', async () => {
    expect((await api.get('/healthz')).json).to.deep.equal({ status: 'ok' })
    expect((await api.get('/readyz')).json).to.deep.equal({ status: 'ready', checks: { database: 'ok', storage: 'ok' } })
  })

  it('answers /healthz the same before Koa (liveness.ts) as through its route: headers, request id, metric', async () => {
    const count = async () => Number(/imgtier_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} (\d+)/.exec((await api.get('/metrics', 'metrics-secret-token')).body.toString('utf8'))?.[1] ?? 0)
    const before = await count()
    const fast = await request(`${server.url}/healthz`, { headers: { 'x-request-id': 'probe-1' } })
    // A query string and a browser's Origin go the long way (CORS must see the latter).
    const routed = await request(`${server.url}/healthz?from=route`, { headers: { 'x-request-id': 'probe-2' } })
    const withOrigin = await request(`${server.url}/healthz`, { headers: { origin: 'https://elsewhere.example' } })
    for (const reply of [fast, routed, withOrigin]) {
      expect(reply.status).to.equal(200)
      expect(reply.body.toString('utf8')).to.equal('{"status":"ok"}')
    }
    const shown = (reply: typeof fast) => [...reply.headers].filter(([name]) => !['date', 'x-request-id'].includes(name))
    expect(shown(fast)).to.deep.equal(shown(routed))
    expect(shown(fast)).to.deep.equal(shown(withOrigin))
    expect(fast.headers.get('cache-control')).to.equal('no-store')
    expect(fast.headers.get('content-security-policy')).to.include("default-src 'self'")
    expect([fast.headers.get('x-request-id'), routed.headers.get('x-request-id')]).to.deep.equal(['probe-1', 'probe-2'])
    expect(withOrigin.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/)
    expect(await count()).to.equal(before + 3)
    const head = await request(`${server.url}/healthz`, { method: 'HEAD' })
    expect([head.status, head.body.length]).to.deep.equal([200, 0])
    expectProblem(await request(`${server.url}/healthz`, { method: 'POST' }), 405, 'method_not_allowed')
  })

  it('serves Prometheus metrics only with the configured bearer token', async () => {
    expectProblem(await api.get('/metrics'), 401, 'unauthorized')
    expectProblem(await api.get('/metrics', 'wrong-token'), 401, 'unauthorized')
    await api.get('/me', adminToken)
    const metrics = await api.get('/metrics', 'metrics-secret-token')
    expect(metrics.status).to.equal(200)
    const text = metrics.body.toString('utf8')
    expect(text).to.match(/imgtier_http_request_duration_seconds_count\{method="GET",route="\/me",status="200"\} [1-9]/)
    expect(text).to.include('imgtier_process_cpu_seconds_total')
  })

  it('routes every path the OpenAPI document describes (no 404 route-miss, no 405)', async () => {
    const doc = (await api.get('/openapi.json')).json
    expect(doc.openapi).to.equal('3.1.0')
    const sampleId = '00000000-0000-4000-8000-000000000000'
    let checked = 0
    for (const [template, item] of Object.entries<Record<string, unknown>>(doc.paths)) {
      const samples: Record<string, string> = { height: '200', token: 'sample-token', asset: 'init.js' }
      const path = template.replace(/\{(\w+)\}/g, (_, name: string) => samples[name] ?? sampleId)
      for (const method of Object.keys(item)) {
        const r = await request(`${server.url}${path}`, {
          method: method.toUpperCase(),
          token: template === '/metrics' ? 'metrics-secret-token' : adminToken,
          ...(method === 'post' || method === 'patch' ? { json: {} } : {}),
        })
        expect(r.status, `${method} ${template}`).not.to.equal(405)
        if (r.status === 404 && method !== 'head') expect(r.json.detail, `${method} ${template} is not routed`).not.to.equal('No such resource.')
        checked++
      }
    }
    expect(checked).to.be.greaterThan(25)
  })

  it('serves the docs page and its Swagger UI files from the package, no CDN', async () => {
    const page = await api.get('/docs')
    expect(page.headers.get('content-type')).to.match(/^text\/html/)
    const html = page.body.toString()
    for (const src of html.matchAll(/(?:src|href)="([^"]+)"/g)) expect(src[1], 'same origin').to.match(/^(\/|data:)/)
    expect(html).to.include('<script src="/docs/swagger-ui-bundle.js">').and.to.include('<script src="/docs/init.js">')
    const bundle = await api.get('/docs/swagger-ui-bundle.js')
    expect(bundle.headers.get('content-type')).to.match(/javascript/)
    expect(bundle.body.length).to.be.greaterThan(100_000)
    expect((await api.get('/docs/swagger-ui.css')).headers.get('content-type')).to.match(/^text\/css/)
    expectProblem(await api.get('/docs/package.json'), 404, 'not_found')
  })

  it('keeps upgrade-insecure-requests in the CSP only when the public URL is https', async () => {
    const plain = await api.get('/docs')
    expect(plain.headers.get('content-security-policy')).not.to.include('upgrade-insecure-requests')
    expect(plain.headers.get('cross-origin-opener-policy'), 'ignored by browsers over http').to.equal(null)
    const https = await startTestServer({ env: { IMGTIER_PUBLIC_URL: 'https://images.example.org' } })
    try {
      const secure = await request(`${https.url}/docs`)
      expect(secure.headers.get('content-security-policy')).to.include('upgrade-insecure-requests')
      expect(secure.headers.get('cross-origin-opener-policy')).to.equal('same-origin')
    } finally {
      await https.close()
    }
  })

  it('answers 503 not_ready when the database is gone, and keeps answering liveness', async () => {
    const doomed = await startTestServer()
    try {
      await doomed.database.knex.destroy()
      const ready = await request(`${doomed.url}/readyz`)
      expectProblem(ready, 503, 'not_ready')
      expect(ready.json.detail).to.include('database')
      expect((await request(`${doomed.url}/healthz`)).status).to.equal(200)
      const login = await request(`${doomed.url}/auth/login`, { json: { username: 'admin', password: 'whatever-password' } })
      expect(login.status).to.equal(503)
      expect(login.json.code).to.equal('service_unavailable')
    } finally {
      await doomed.close().catch(() => undefined)
    }
  })
})
