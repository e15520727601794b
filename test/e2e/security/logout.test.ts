import { expect } from 'chai'
import { Client, expectProblem, request, type Reply } from '../../support/http'
import { startTestServer, type TestServer } from '../../support/server'

/**
 * A logout ends the caller's own session, the one its access token carries, however the
 * caller authenticates and whatever else it sends; and never another user's session.
 */

interface Session { readonly accessToken: string; readonly refreshToken: string; readonly cookies: Map<string, string> }

const cookiesOf = (reply: Reply): Map<string, string> =>
  new Map(reply.headers.getSetCookie().map((line) => {
    const pair = line.split(';')[0] ?? ''
    return [pair.slice(0, pair.indexOf('=')), pair]
  }))

describe('security e2e: logout ends the caller\'s own session', function () {
  this.timeout(60_000)
  let server: TestServer
  let client: Client
  let adminToken: string

  before(async () => {
    server = await startTestServer()
    client = new Client(server.url)
    adminToken = await client.login(server.admin.username, server.admin.password)
  })
  after(() => server?.close())

  const newUser = () => client.newUser(adminToken, 'Basic')
  const loginAs = async (user: { username: string; password: string }): Promise<Session> => {
    const reply = await client.post('/auth/login', { username: user.username, password: user.password })
    expect(reply.status).to.equal(200)
    return { accessToken: reply.json.accessToken, refreshToken: reply.json.refreshToken, cookies: cookiesOf(reply) }
  }
  const logout = (o: { token?: string; json?: unknown; cookie?: string }) =>
    request(`${server.url}/auth/logout`, { method: 'POST', token: o.token, json: o.json ?? {}, headers: o.cookie ? { cookie: o.cookie } : {} })

  const expectEnded = async (session: Session, what: string) => {
    const me = await client.get('/me', session.accessToken)
    expect(me.status, `${what}: /me after logout`).to.equal(401)
    expectProblem(me, 401, 'unauthorized')
    const refreshed = await client.post('/auth/refresh', { refreshToken: session.refreshToken })
    expect(refreshed.status, `${what}: refresh after logout`).to.equal(401)
    expectProblem(refreshed, 401, 'unauthorized')
  }
  const expectAlive = async (session: Session, what: string) => {
    expect((await client.get('/me', session.accessToken)).status, `${what}: /me`).to.equal(200)
  }

  it('a Bearer-only logout (no refresh token at all) ends that access token and its refresh token', async () => {
    const user = await newUser()
    const session = await loginAs(user)
    const other = await loginAs(user)
    expect((await logout({ token: session.accessToken })).status).to.equal(204)
    await expectEnded(session, 'bearer-only')
    // The user's other login goes on.
    await expectAlive(other, 'the same user\'s other session')
    expect((await client.post('/auth/refresh', { refreshToken: other.refreshToken })).status).to.equal(200)
  })

  it('a cookie-only logout ends the session of the access cookie, with or without the refresh cookie', async () => {
    const user = await newUser()
    for (const withRefreshCookie of [false, true]) {
      const session = await loginAs(user)
      const cookie = [session.cookies.get('imgtier_access'), withRefreshCookie ? session.cookies.get('imgtier_refresh') : undefined]
        .filter((c) => c !== undefined).join('; ')
      const reply = await request(`${server.url}/auth/logout`, { method: 'POST', headers: { cookie, 'x-requested-with': 'XMLHttpRequest' } })
      expect(reply.status).to.equal(204)
      await expectEnded(session, `cookie-only (refresh cookie: ${withRefreshCookie})`)
    }
  })

  it('Bearer plus the refresh token in the body ends the session', async () => {
    const user = await newUser()
    const session = await loginAs(user)
    expect((await logout({ token: session.accessToken, json: { refreshToken: session.refreshToken } })).status).to.equal(204)
    await expectEnded(session, 'bearer + body')
  })

  it('a refresh token of the same user\'s other session, sent along, ends that session too', async () => {
    const user = await newUser()
    const session = await loginAs(user)
    const second = await loginAs(user)
    expect((await logout({ token: session.accessToken, json: { refreshToken: second.refreshToken } })).status).to.equal(204)
    await expectEnded(session, 'the caller\'s session')
    await expectEnded(second, 'the caller\'s other session it named')
  })

  it("another user's refresh token sent with my access token ends my session and leaves theirs alone", async () => {
    const me = await newUser()
    const victim = await newUser()
    const theirs = await loginAs(victim)
    for (const sent of [{ json: { refreshToken: theirs.refreshToken } }, { cookie: `imgtier_refresh=${theirs.refreshToken}` }]) {
      const mine = await loginAs(me)
      expect((await logout({ token: mine.accessToken, ...sent })).status).to.equal(204)
      await expectEnded(mine, 'mine')
      await expectAlive(theirs, 'the victim\'s access token')
    }
    // The victim's refresh token still rotates: its family was never revoked.
    expect((await client.post('/auth/refresh', { refreshToken: theirs.refreshToken })).status).to.equal(200)
  })
})
