import { expect } from 'chai'
import { Client, expectProblem, request } from '../support/http'
import { jpegBomb, makeJpeg } from '../support/images'
import { E2E_BACKENDS, startTestServer, type TestServer } from '../support/server'

/** The value of one sample of the Prometheus text (0 when absent): `name{labels}` with these labels among its own. */
const sample = (text: string, name: string, labels: Record<string, string> = {}): number => {
  let total = 0
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!m || m[1] !== name) continue
    const own = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]))
    if (Object.entries(labels).every(([k, v]) => own[k] === v)) total += Number(m[3])
  }
  return total
}

for (const backend of E2E_BACKENDS) {
  describe(`metrics that count (${backend})`, function () {
    this.timeout(60_000)
    let server: TestServer
    let api: Client
    let adminToken: string
    let user: { id: string; token: string }
    const renderer = backend === 'aws' ? 'lambda' : 'inprocess'

    const scrape = async () => {
      const r = await api.get('/metrics')
      expect(r.status).to.equal(200)
      return r.body.toString('utf8')
    }
    /** How much each named sample moved while `act` ran. */
    const moved = async (act: () => Promise<void>, probes: Record<string, [string, Record<string, string>?]>) => {
      const before = await scrape()
      await act()
      const after = await scrape()
      return Object.fromEntries(Object.entries(probes).map(([k, [name, labels]]) => [k, sample(after, name, labels) - sample(before, name, labels)]))
    }

    before(async () => {
      server = await startTestServer({ backend })
      api = new Client(server.url)
      adminToken = await api.login(server.admin.username, server.admin.password)
      user = await api.newUser(adminToken, 'Enterprise')
    })
    after(() => server?.close())

    it('counts an upload by outcome and bytes, and times the storage write', async () => {
      const jpeg = await makeJpeg({ width: 120, height: 90 })
      const d = await moved(async () => {
        expect((await api.upload(user.token, jpeg)).status).to.equal(201)
        expectProblem(await api.upload(user.token, Buffer.from('GIF89a not really an image at all')), 415, 'unsupported_image_format')
        expectProblem(await api.upload(user.token, await jpegBomb()), 422, 'image_too_many_pixels')
      }, {
        ok: ['imgtier_uploads_total', { outcome: 'ok' }],
        refused: ['imgtier_uploads_total', { outcome: 'unsupported_image_format' }],
        okBytes: ['imgtier_upload_bytes_sum', { outcome: 'ok' }],
        okCount: ['imgtier_upload_bytes_count', { outcome: 'ok' }],
        puts: ['imgtier_storage_operation_duration_seconds_count', { store: 'originals', operation: 'put', outcome: 'ok' }],
        stages: ['imgtier_storage_operation_duration_seconds_count', { store: 'originals', operation: 'stage', outcome: 'ok' }],
        commits: ['imgtier_storage_operation_duration_seconds_count', { store: 'originals', operation: 'commit', outcome: 'ok' }],
        discards: ['imgtier_storage_operation_duration_seconds_count', { store: 'originals', operation: 'discard', outcome: 'ok' }],
      })
      // The filesystem stages the original (written aside while it is decoded) and commits it;
      // S3 puts it once judged. The GIF (magic bytes) and the bomb (header) are refused
      // before any write.
      const writes = backend === 'aws' ? { puts: 1, stages: 0, commits: 0 } : { puts: 0, stages: 1, commits: 1 }
      expect(d).to.deep.equal({ ok: 1, refused: 1, okBytes: jpeg.length, okCount: 1, ...writes, discards: 0 })
    })

    it('counts a render (by renderer) on a cache miss, and a cache hit on the next request', async () => {
      const id = (await api.upload(user.token, await makeJpeg({ width: 100, height: 300 }))).json.id
      const probes = {
        renders: ['imgtier_thumbnail_renders_total', { renderer, outcome: 'ok' }],
        renderTimes: ['imgtier_thumbnail_render_duration_seconds_count', { renderer, outcome: 'ok' }],
        misses: ['imgtier_thumbnail_cache_lookups_total', { result: 'miss' }],
        hits: ['imgtier_thumbnail_cache_lookups_total', { result: 'hit' }],
        memoryHits: ['imgtier_thumbnail_cache_lookups_total', { cache: 'memory', result: 'hit' }],
        lambda: ['imgtier_lambda_invoke_duration_seconds_count', { outcome: 'ok' }],
      } satisfies Record<string, [string, Record<string, string>]>
      const first = await moved(async () => { expect((await api.get(`/images/${id}/thumbnails/200`, user.token)).status).to.equal(200) }, probes)
      expect(first.renders).to.equal(1)
      expect(first.renderTimes).to.equal(1)
      expect(first.misses).to.be.at.least(1)
      expect(first.lambda).to.equal(backend === 'aws' ? 1 : 0)
      const second = await moved(async () => { expect((await api.get(`/images/${id}/thumbnails/200`, user.token)).status).to.equal(200) }, probes)
      expect(second).to.include({ renders: 0, misses: 0, lambda: 0 })
      expect(second.hits).to.equal(1)
      expect(second.memoryHits, 'the in-memory thumbnail cache answered').to.equal(1)
    })

    it('counts link opens by outcome: ok, invalid, expired, revoked, not_found', async () => {
      const id = (await api.upload(user.token, await makeJpeg({ width: 80, height: 60 }))).json.id
      const link = async (seconds: number) => (await api.post(`/images/${id}/thumbnails/200/expiring-links`, { expiresIn: seconds }, user.token)).json.url as string
      const outcomes = ['ok', 'invalid', 'expired', 'revoked', 'not_found']
      const probes = Object.fromEntries(outcomes.map((o) => [o, ['imgtier_link_opens_total', { outcome: o }] as [string, Record<string, string>]]))

      const short = await link(300)
      const long = await link(3000)
      const d = await moved(async () => {
        expect((await request(long)).status).to.equal(200)
        expectProblem(await request(`${long.slice(0, -3)}xyz`), 403, 'link_invalid')
        server.clock.advance(301_000)
        expectProblem(await request(short), 410, 'link_expired')
      }, probes)
      expect(d).to.deep.equal({ ok: 1, invalid: 1, expired: 1, revoked: 0, not_found: 0 })

      const tiers = (await api.get('/admin/tiers?limit=100', adminToken)).json.results
      const basic = tiers.find((t: { name: string }) => t.name === 'Basic')
      const revoked = await moved(async () => {
        expect((await api.patch(`/admin/users/${user.id}`, { tierId: basic.id }, adminToken)).status).to.equal(200)
        expectProblem(await request(long), 403, 'link_revoked')
      }, probes)
      expect(revoked).to.include({ revoked: 1, ok: 0 })
      const enterprise = tiers.find((t: { name: string }) => t.name === 'Enterprise')
      expect((await api.patch(`/admin/users/${user.id}`, { tierId: enterprise.id }, adminToken)).status).to.equal(200)
      user.token = await api.login((await api.get(`/admin/users/${user.id}`, adminToken)).json.username, 'correct-horse-battery')
      const gone = await moved(async () => {
        expect((await api.delete(`/images/${id}`, user.token)).status).to.equal(204)
        expectProblem(await request(long), 404, 'link_not_found')
      }, probes)
      expect(gone).to.include({ not_found: 1, ok: 0 })
    })
  })
}
