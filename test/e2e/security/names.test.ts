import { expect } from 'chai'
import { Client, expectProblem } from '../../support/http'
import { makeJpeg } from '../../support/images'
import { startTestServer, type TestServer } from '../../support/server'

/** Names are counted in characters (code points), as people and the database count them. */
describe('security e2e: name lengths', function () {
  this.timeout(60_000)
  let server: TestServer
  let api: Client
  let admin: string
  let token: string
  const cat = '\u{1F408}' // one character, two UTF-16 units

  before(async () => {
    server = await startTestServer()
    api = new Client(server.url)
    admin = await api.login(server.admin.username, server.admin.password)
    token = (await api.newUser(admin, 'Basic')).token
  })
  after(() => server?.close())

  it('accepts an image name of 255 emoji and refuses 256', async () => {
    const jpeg = await makeJpeg({ width: 8, height: 8 })
    const ok = await api.upload(token, jpeg, 'a.jpg', { name: cat.repeat(255) })
    expect(ok.status, JSON.stringify(ok.json)).to.equal(201)
    expect(ok.json.name).to.equal(cat.repeat(255))
    expect((await api.get(`/images/${ok.json.id}`, token)).json.name).to.equal(cat.repeat(255))
    expectProblem(await api.upload(token, jpeg, 'a.jpg', { name: cat.repeat(256) }), 400, 'invalid_request')
  })

  it('shortens a long file name into the default name instead of failing the upload', async () => {
    const jpeg = await makeJpeg({ width: 8, height: 8 })
    const r = await api.upload(token, jpeg, `${cat.repeat(300)}.jpg`)
    expect(r.status, JSON.stringify(r.json)).to.equal(201)
    expect(r.json.name).to.equal(cat.repeat(255))
    const ascii = await api.upload(token, jpeg, `${'x'.repeat(1000)}.jpg`)
    expect(ascii.status, JSON.stringify(ascii.json)).to.equal(201)
    expect(ascii.json.name).to.equal('x'.repeat(255))
  })

  it('accepts a tier name of 100 emoji and refuses 101', async () => {
    const body = (name: string) => ({ name, thumbnailHeights: [100], originalLink: false, expiringLinks: false })
    const ok = await api.post('/admin/tiers', body(cat.repeat(100)), admin)
    expect(ok.status, JSON.stringify(ok.json)).to.equal(201)
    expect(ok.json.name).to.equal(cat.repeat(100))
    expectProblem(await api.post('/admin/tiers', body(`${cat.repeat(101)}`), admin), 400, 'invalid_request')
  })
})
