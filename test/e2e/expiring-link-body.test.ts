import { expect } from 'chai'
import { Client, expectProblem, request } from '../support/http'
import { makeJpeg } from '../support/images'
import { startTestServer, type TestServer } from '../support/server'

/**
 * DESIGN.md §3 orders the checks: authentication, existence and ownership (404), tier
 * permission (403), input (400). The expiring-link body is input: whatever its shape (none,
 * an array, unknown fields), another user's image is still 404 and a tier without expiring
 * links still 403; a missing expiresIn is invalid_expiry, an unknown field invalid_request.
 */
describe('expiring-link bodies are judged after ownership and permission', function () {
  this.timeout(120_000)
  let server: TestServer
  let client: Client
  let owner: string
  let stranger: string
  let basic: string
  let ownerLink: string
  let basicLink: string

  before(async () => {
    server = await startTestServer()
    client = new Client(server.url)
    const admin = await client.login(server.admin.username, server.admin.password)
    owner = (await client.newUser(admin, 'Enterprise')).token
    stranger = (await client.newUser(admin, 'Enterprise')).token
    basic = (await client.newUser(admin, 'Basic')).token
    const mine = await client.upload(owner, await makeJpeg({ width: 300, height: 200 }), 'a.jpg')
    const basics = await client.upload(basic, await makeJpeg({ width: 300, height: 200 }), 'b.jpg')
    ownerLink = `${server.url}/images/${mine.json.id}/thumbnails/200/expiring-links`
    basicLink = `${server.url}/images/${basics.json.id}/thumbnails/200/expiring-links`
  })
  after(() => server.close())

  const post = (url: string, token: string, body?: string) =>
    request(url, { method: 'POST', token, body, headers: body === undefined ? {} : { 'content-type': 'application/json' } })

  const shapes: readonly [string, string | undefined][] = [
    ['no body', undefined], ['an empty object', '{}'], ['an array', '[]'], ['an unknown field', '{"expiresIn":600,"colour":"red"}'],
  ]

  for (const [shape, body] of shapes) {
    it(`${shape}: another user's image is 404, a Basic user's is 403`, async () => {
      expectProblem(await post(ownerLink, stranger, body), 404, 'not_found')
      expectProblem(await post(basicLink, basic, body), 403, 'tier_forbids_expiring_links')
    })
  }

  it('for the owner: a missing expiresIn (no body, {}, an array) is invalid_expiry; an unknown field is invalid_request naming it', async () => {
    for (const body of [undefined, '{}', '[]']) expectProblem(await post(ownerLink, owner, body), 400, 'invalid_expiry')
    const extra = await post(ownerLink, owner, '{"expiresIn":600,"colour":"red"}')
    expectProblem(extra, 400, 'invalid_request')
    expect(extra.json.errors).to.deep.equal([{ path: 'colour', message: 'is not a known field' }])
    expect((await post(ownerLink, owner, '{"expiresIn":600}')).status).to.equal(201)
  })
})
