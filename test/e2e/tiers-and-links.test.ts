import { expect } from 'chai'
import { makeJpeg } from '../support/images'
import { Client, expectProblem, request } from '../support/http'
import { E2E_BACKENDS, startTestServer, type TestServer } from '../support/server'

type NewUser = Awaited<ReturnType<Client['newUser']>>

for (const backend of E2E_BACKENDS) {
  describe(`tiers, admin and expiring links over HTTP (${backend})`, function () {
    this.timeout(60_000)
    let server: TestServer
    let api: Client
    let adminToken: string
    let jpeg: Buffer

    before(async () => {
      server = await startTestServer({ backend })
      api = new Client(server.url)
      adminToken = await api.login(server.admin.username, server.admin.password)
      jpeg = await makeJpeg({ width: 600, height: 450 })
    })
    after(() => server?.close())

    const upload = async (user: NewUser) => (await api.upload(user.token, jpeg, 'pic.jpg')).json
    const path = (url: string) => new URL(url).pathname

    describe('links per tier (DESIGN.md §3)', () => {
      it('Basic: thumbnails 200 only; no original, no expiring links — keys absent, not null', async () => {
        const basic = await api.newUser(adminToken, 'Basic')
        const image = await upload(basic)
        const base = `${server.url}/images/${image.id}`
        expect(image.links).to.deep.equal({ thumbnails: { 200: `${base}/thumbnails/200` } })
        expectProblem(await api.get(`/images/${image.id}/original`, basic.token), 403, 'tier_forbids_original')
        expectProblem(await api.get(`/images/${image.id}/thumbnails/400`, basic.token), 403, 'tier_forbids_size')
        expectProblem(await api.post(`/images/${image.id}/thumbnails/200/expiring-links`, { expiresIn: 300 }, basic.token), 403, 'tier_forbids_expiring_links')
      })

      it('Premium: 200 and 400 and the original; no expiring links', async () => {
        const premium = await api.newUser(adminToken, 'Premium')
        const image = await upload(premium)
        const base = `${server.url}/images/${image.id}`
        expect(image.links).to.deep.equal({
          thumbnails: { 200: `${base}/thumbnails/200`, 400: `${base}/thumbnails/400` },
          original: `${base}/original`,
        })
        expect((await api.get(path(image.links.original), premium.token)).status).to.equal(200)
        expectProblem(await api.post(`/images/${image.id}/original/expiring-links`, { expiresIn: 300 }, premium.token), 403, 'tier_forbids_expiring_links')
      })

      it('Enterprise: everything, with expiring-link endpoints', async () => {
        const ent = await api.newUser(adminToken, 'Enterprise')
        const image = await upload(ent)
        const base = `${server.url}/images/${image.id}`
        expect(image.links).to.deep.equal({
          thumbnails: { 200: `${base}/thumbnails/200`, 400: `${base}/thumbnails/400` },
          original: `${base}/original`,
          expiringLinks: {
            thumbnails: { 200: `${base}/thumbnails/200/expiring-links`, 400: `${base}/thumbnails/400/expiring-links` },
            original: `${base}/original/expiring-links`,
          },
        })
      })

      it('/me names the tier and what it allows', async () => {
        const premium = await api.newUser(adminToken, 'Premium')
        const me = await api.get('/me', premium.token)
        expect(me.json).to.deep.include({ id: premium.id, username: premium.username, role: 'user' })
        expect(me.json.tier).to.deep.include({ name: 'Premium', thumbnailHeights: [200, 400], originalLink: true, expiringLinks: false, expiringLinkSeconds: { min: 300, max: 30000 } })
        expectProblem(await api.get('/me'), 401, 'unauthorized')
        expectProblem(await api.get('/me', 'garbage'), 401, 'unauthorized')
      })
    })

    describe('expiring links', () => {
      let owner: NewUser
      let image: { id: string }

      before(async () => {
        owner = await api.newUser(adminToken, 'Enterprise')
        image = await upload(owner)
      })

      const create = (variant: string, body: unknown) => api.post(`/images/${image.id}/${variant}/expiring-links`, body, owner.token)

      it('serves the bytes without login until expiry, then 410 (time moved by the clock)', async () => {
        const r = await create('thumbnails/200', { expiresIn: 300 })
        expect(r.status).to.equal(201)
        expect(r.json.url).to.match(new RegExp(`^${server.url}/links/`))
        expect(new Date(r.json.expiresAt).getTime()).to.equal(server.clock.now().getTime() + 300_000)
        const ok = await request(r.json.url)
        expect(ok.status).to.equal(200)
        expect(ok.headers.get('content-type')).to.equal('image/jpeg')
        const maxAge = Number(/max-age=(\d+)/.exec(ok.headers.get('cache-control') ?? '')?.[1])
        expect(maxAge).to.be.within(1, 300)
        expect((await request(r.json.url, { method: 'HEAD' })).status).to.equal(200)
        server.clock.advance(299_000)
        const late = await request(r.json.url)
        expect(late.status).to.equal(200)
        expect(Number(/max-age=(\d+)/.exec(late.headers.get('cache-control') ?? '')?.[1])).to.be.at.most(1)
        server.clock.advance(1_000)
        expectProblem(await request(r.json.url), 410, 'link_expired')
      })

      it('serves the original byte-identical through a link', async () => {
        const r = await create('original', { expiresIn: 30000 })
        expect(r.status).to.equal(201)
        const got = await request(r.json.url)
        expect(Buffer.compare(got.body, jpeg)).to.equal(0)
      })

      it('refuses 299, 30001, "300", 300.5, -1, null and a missing value with invalid_expiry naming the bounds', async () => {
        for (const body of [{ expiresIn: 299 }, { expiresIn: 30001 }, { expiresIn: '300' }, { expiresIn: 300.5 }, { expiresIn: -1 }, { expiresIn: null }, {}]) {
          const r = await create('thumbnails/200', body)
          expectProblem(r, 400, 'invalid_expiry')
          expect(r.json.detail).to.include('300').and.to.include('30000')
        }
        expect((await create('thumbnails/400', { expiresIn: 30000 })).status).to.equal(201)
        expectProblem(await create('thumbnails/300', { expiresIn: 300 }), 403, 'tier_forbids_size')
        expectProblem(await create('thumbnails/abc', { expiresIn: 300 }), 400, 'invalid_height')
      })

      it('refuses fields a link body does not have, like the admin bodies, naming each', async () => {
        const r = await create('thumbnails/200', { expiresIn: 600, expiresAt: '2030-01-01', public: true })
        expectProblem(r, 400, 'invalid_request')
        expect(r.json.errors.map((e: { path: string }) => e.path).sort()).to.deep.equal(['expiresAt', 'public'])
        expectProblem(await create('thumbnails/200', [600]), 400, 'invalid_expiry')
      })

      it('answers 403 link_invalid for tampered or garbage tokens', async () => {
        const r = await create('thumbnails/200', { expiresIn: 600 })
        const token = path(r.json.url).split('/').pop() ?? ''
        const flipped = token.slice(0, -3) + (token.at(-3) === 'A' ? 'B' : 'A') + token.slice(-2)
        expectProblem(await request(`${server.url}/links/${flipped}`), 403, 'link_invalid')
        const otherImage = token.replace(image.id, '00000000-0000-4000-8000-000000000000')
        expectProblem(await request(`${server.url}/links/${otherImage}`), 403, 'link_invalid')
        expectProblem(await request(`${server.url}/links/garbage`), 403, 'link_invalid')
        expectProblem(await request(`${server.url}/links/${'x'.repeat(2000)}`), 403, 'link_invalid')
      })

      it("dies with 403 link_revoked when the owner's tier stops allowing it, and 404 when the image is deleted", async () => {
        const user = await api.newUser(adminToken, 'Enterprise')
        const img = await upload(user)
        const thumbLink = (await api.post(`/images/${img.id}/thumbnails/400/expiring-links`, { expiresIn: 600 }, user.token)).json.url
        const originalLink = (await api.post(`/images/${img.id}/original/expiring-links`, { expiresIn: 600 }, user.token)).json.url
        const tiers = (await api.get('/admin/tiers?limit=100', adminToken)).json.results
        const premium = tiers.find((t: { name: string }) => t.name === 'Premium')
        expect((await api.patch(`/admin/users/${user.id}`, { tierId: premium.id }, adminToken)).status).to.equal(200)
        expectProblem(await request(thumbLink), 403, 'link_revoked')
        expectProblem(await request(originalLink), 403, 'link_revoked')
        const enterprise = tiers.find((t: { name: string }) => t.name === 'Enterprise')
        await api.patch(`/admin/users/${user.id}`, { tierId: enterprise.id }, adminToken)
        expect((await request(thumbLink)).status).to.equal(200)
        expect((await api.delete(`/images/${img.id}`, user.token)).status).to.equal(204)
        expectProblem(await request(thumbLink), 404, 'link_not_found')
      })
    })

    describe('admin API', () => {
      it('creates, reads, edits and deletes tiers with validation and conflicts', async () => {
        const name = `Gold ${Date.now()}`
        const created = await api.post('/admin/tiers', { name, thumbnailHeights: [640, 120], originalLink: true }, adminToken)
        expect(created.status).to.equal(201)
        expect(created.json).to.deep.include({ name, thumbnailHeights: [120, 640], originalLink: true, expiringLinks: false, expiringLinkSeconds: { min: 300, max: 30000 } })
        expect(created.headers.get('location')).to.equal(`${server.url}/admin/tiers/${created.json.id}`)
        expect((await api.get(`/admin/tiers/${created.json.id}`, adminToken)).json).to.deep.equal(created.json)
        expectProblem(await api.post('/admin/tiers', { name: name.toUpperCase(), thumbnailHeights: [200] }, adminToken), 409, 'tier_name_taken')
        for (const bad of [{ name: '', thumbnailHeights: [200] }, { name: 'x', thumbnailHeights: [] }, { name: 'x', thumbnailHeights: [15] },
          { name: 'x', thumbnailHeights: [200, 200] }, { name: 'x', thumbnailHeights: [200], expiringLinkSeconds: { min: 500, max: 400 } },
          { name: 'x', thumbnailHeights: [200], expiringLinkSeconds: { min: 59, max: 400 } }, { name: 'x', thumbnailHeights: [200], colour: 'red' }]) {
          const r = await api.post('/admin/tiers', bad, adminToken)
          expectProblem(r, 400, 'invalid_request')
          expect(r.json.errors).to.be.an('array').that.is.not.empty
        }
        const edited = await api.patch(`/admin/tiers/${created.json.id}`, { expiringLinks: true, expiringLinkSeconds: { min: 60, max: 600 } }, adminToken)
        expect(edited.json).to.deep.include({ expiringLinks: true, expiringLinkSeconds: { min: 60, max: 600 }, name })
        const maxOnly = await api.patch(`/admin/tiers/${created.json.id}`, { expiringLinkSeconds: { max: 900 } }, adminToken)
        expect(maxOnly.json.expiringLinkSeconds).to.deep.equal({ min: 60, max: 900 })
        expectProblem(await api.patch(`/admin/tiers/${created.json.id}`, { expiringLinkSeconds: { min: 1000 } }, adminToken), 400, 'invalid_request')
        expectProblem(await api.patch(`/admin/tiers/${created.json.id}`, { name: 'Basic' }, adminToken), 409, 'tier_name_taken')
        expectProblem(await api.patch('/admin/tiers/00000000-0000-4000-8000-000000000000', { name: 'y' }, adminToken), 404, 'not_found')
        expect((await api.delete(`/admin/tiers/${created.json.id}`, adminToken)).status).to.equal(204)
        expectProblem(await api.get(`/admin/tiers/${created.json.id}`, adminToken), 404, 'not_found')
      })

      it('refuses to delete a tier in use with 409 tier_in_use', async () => {
        const tier = (await api.post('/admin/tiers', { name: `Used ${Date.now()}`, thumbnailHeights: [100] }, adminToken)).json
        const user = await api.post('/admin/users', { username: `t${Date.now()}`, password: 'long-enough-pw', tierId: tier.id }, adminToken)
        expect(user.status).to.equal(201)
        expectProblem(await api.delete(`/admin/tiers/${tier.id}`, adminToken), 409, 'tier_in_use')
      })

      it('creates users with a tier and role, refuses duplicates, moves tiers and lists them', async () => {
        const username = `Carol${Date.now()}`
        const created = await api.post('/admin/users', { username, password: 'correct-horse', role: 'auditor' }, adminToken)
        expect(created.status).to.equal(201)
        expect(Object.keys(created.json)).to.have.members(['id', 'username', 'role', 'active', 'tierId', 'createdAt'])
        expect(created.json).to.include({ username, role: 'auditor', active: true })
        const disabled = await api.post('/admin/users', { username: `off${Date.now()}`, password: 'correct-horse', active: false }, adminToken)
        expect(disabled.json).to.include({ active: false, role: 'user' })
        expectProblem(await api.post('/auth/login', { username: disabled.json.username, password: 'correct-horse' }), 401, 'invalid_credentials')
        expectProblem(await api.post('/admin/users', { username: username.toLowerCase(), password: 'correct-horse' }, adminToken), 409, 'username_taken')
        expectProblem(await api.post('/admin/users', { username: 'someone', password: 'short' }, adminToken), 400, 'invalid_request')
        const unknown = await api.post('/admin/users', { username: 'nobodyx', password: 'correct-horse', tierId: '00000000-0000-4000-8000-000000000000' }, adminToken)
        expectProblem(unknown, 400, 'invalid_request')
        const list = await api.get('/admin/users?limit=1', adminToken)
        expect(list.json.count).to.be.greaterThan(1)
        expect(list.json.next).to.equal(`${server.url}/admin/users?limit=1&offset=1`)
        expectProblem(await api.patch(`/admin/users/${created.json.id}`, { role: 'emperor' }, adminToken), 400, 'invalid_request')
      })

      it('enforces roles: users get 403 admin_only, auditors read but cannot write', async () => {
        const user = await api.newUser(adminToken, 'Basic')
        const auditor = await api.newUser(adminToken, 'Basic', 'auditor')
        expectProblem(await api.get('/admin/tiers', user.token), 403, 'admin_only')
        expectProblem(await api.post('/admin/tiers', { name: 'nope', thumbnailHeights: [200] }, user.token), 403, 'admin_only')
        expect((await api.get('/admin/tiers', auditor.token)).status).to.equal(200)
        expect((await api.get('/admin/users', auditor.token)).status).to.equal(200)
        expectProblem(await api.post('/admin/tiers', { name: 'nope', thumbnailHeights: [200] }, auditor.token), 403, 'read_only_admin')
        expectProblem(await api.delete(`/admin/users/${user.id}`, auditor.token), 403, 'read_only_admin')
        expectProblem(await api.get('/admin/tiers'), 401, 'unauthorized')
      })
    })

    describe('a tier edit or a move applies on the very next request and writes no image rows', () => {
      it('changes links and permissions at once', async () => {
        const tier = (await api.post('/admin/tiers', { name: `Flex ${Date.now()}`, thumbnailHeights: [200] }, adminToken)).json
        const created = await api.post('/admin/users', { username: `flex${Date.now()}`, password: 'correct-horse', tierId: tier.id }, adminToken)
        const token = await api.login(created.json.username, 'correct-horse')
        const image = (await api.upload(token, jpeg, 'f.jpg')).json
        expect(Object.keys(image.links)).to.deep.equal(['thumbnails'])
        const writes = await imageRowsSnapshot(server)

        await api.patch(`/admin/tiers/${tier.id}`, { thumbnailHeights: [120, 300], originalLink: true, expiringLinks: true }, adminToken)
        const now = (await api.get(`/images/${image.id}`, token)).json
        expect(Object.keys(now.links.thumbnails)).to.deep.equal(['120', '300'])
        expect(now.links.original).to.be.a('string')
        expect(now.links.expiringLinks.original).to.be.a('string')
        expect((await api.get(`/images/${image.id}/thumbnails/300`, token)).status).to.equal(200)
        expectProblem(await api.get(`/images/${image.id}/thumbnails/200`, token), 403, 'tier_forbids_size')
        expect((await api.get(`/images/${image.id}/original`, token)).status).to.equal(200)

        const basic = (await api.get('/admin/tiers?limit=100', adminToken)).json.results.find((t: { name: string }) => t.name === 'Basic')
        await api.patch(`/admin/users/${created.json.id}`, { tierId: basic.id }, adminToken)
        const moved = (await api.get(`/images/${image.id}`, token)).json
        expect(moved.links).to.deep.equal({ thumbnails: { 200: `${server.url}/images/${image.id}/thumbnails/200` } })
        expectProblem(await api.get(`/images/${image.id}/original`, token), 403, 'tier_forbids_original')
        expect(await imageRowsSnapshot(server)).to.deep.equal(writes)
      })
    })

    describe('errors', () => {
      it('answers unknown routes and wrong methods with problems, never a stack trace', async () => {
        expectProblem(await api.get('/nope'), 404, 'not_found')
        expectProblem(await api.get('/images/x/y/z/w', adminToken), 404, 'not_found')
        const wrong = await request(`${server.url}/me`, { method: 'PUT', token: adminToken })
        expectProblem(wrong, 405, 'method_not_allowed')
        expect(wrong.headers.get('allow')).to.include('GET')
        const options = await request(`${server.url}/images`, { method: 'OPTIONS' })
        expect(options.status).to.equal(204)
        expect(options.headers.get('allow')).to.include('GET').and.to.include('POST')
        const badJson = await request(`${server.url}/auth/login`, { body: '{"username":', headers: { 'content-type': 'application/json' } })
        expectProblem(badJson, 400, 'invalid_request')
        expectProblem(await api.post('/auth/login', { username: 'admin' }), 400, 'invalid_request')
        expectProblem(await api.post('/auth/login', { username: 'admin', password: 'wrong-password' }), 401, 'invalid_credentials')
      })
    })
  })
}

/** Every image row, as written: a tier change must leave it untouched. */
const imageRowsSnapshot = async (server: TestServer) =>
  JSON.stringify(await server.database.knex('images').select('*').orderBy('id'))
