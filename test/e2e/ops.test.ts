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
      const path = template.replace('{id}', sampleId).replace('{height}', '200').replace('{token}', 'sample-token')
      for (const method of Object.keys(item)) {
        const r = await request(`${server.url}${path}`, {
          method: method.toUpperCase(),
          token: template === '/metrics' ? 'metrics-secret-token' : adminToken,
          ...(method === 'post' || method === 'patch' ? { json: {} } : {}),
        })
        expect(r.status, `${method} ${template}`).not.to.equal(405)
        if (r.status === 404) expect(r.json.detail, `${method} ${template} is not routed`).not.to.equal('No such resource.')
        checked++
      }
    }
    expect(checked).to.be.greaterThan(25)
  })

  it('renders the API page with its script from the same origin', async () => {
    const page = await api.get('/docs')
    expect(page.headers.get('content-type')).to.match(/^text\/html/)
    expect(page.body.toString()).to.include('/openapi.json').and.to.include('<script src="/docs/app.js">')
    expect((await api.get('/docs/app.js')).headers.get('content-type')).to.match(/javascript/)
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
