import { expect } from 'chai'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Database } from '../../../adapters/persistence'
import { freshDatabase } from '../../support/database'
import { Client, expectProblem } from '../../support/http'
import { makeJpeg } from '../../support/images'
import { startTestServer, type TestServer } from '../../support/server'

/**
 * Expiring links as capabilities: any changed byte makes a token worthless, and key
 * rotation through IMGTIER_LINK_KEYS keeps old links alive exactly as long as their key is listed.
 * Three servers in turn share one database and one data dir, as a restart would.
 */

const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const OLD = `old:${randomBytes(32).toString('base64url')}`
const NEW = `new:${randomBytes(32).toString('base64url')}`

/** The same token with character `i` replaced by another URL-safe character. */
const flip = (token: string, i: number): string => {
  const c = token[i]
  const other = URL_SAFE[(URL_SAFE.indexOf(c) + 1 + (i % 7)) % URL_SAFE.length]
  return `${token.slice(0, i)}${other === c ? 'Z' : other}${token.slice(i + 1)}`
}

describe('security e2e: expiring links (tampering, key rotation)', function () {
  this.timeout(90_000)
  let database: Database
  let dataDir: string
  let server: TestServer | undefined
  const admin = { username: 'admin', password: 'link-suite-admin-password' }
  let user: { username: string; password: string }
  let imageId: string
  let oldLink: string
  let oldPath: string

  const start = async (linkKeys: string) => {
    await server?.close()
    server = await startTestServer({
      database,
      env: { IMGTIER_DATA_DIR: dataDir, IMGTIER_LINK_KEYS: linkKeys, IMGTIER_ADMIN_USERNAME: admin.username, IMGTIER_ADMIN_PASSWORD: admin.password },
    })
    const client = new Client(server.url)
    // The JWT secret is new on every start: log in again.
    return { client, token: await client.login(user.username, user.password), url: server.url }
  }
  const pathOf = (url: string) => new URL(url).pathname

  before(async () => {
    database = await freshDatabase()
    dataDir = mkdtempSync(path.join(tmpdir(), 'imgtier-links-'))
    user = { username: `links${randomBytes(4).toString('hex')}`, password: 'correct-horse-battery' }
    server = await startTestServer({ database, env: { IMGTIER_DATA_DIR: dataDir, IMGTIER_LINK_KEYS: OLD, IMGTIER_ADMIN_USERNAME: admin.username, IMGTIER_ADMIN_PASSWORD: admin.password } })
    const client = new Client(server.url)
    const adminToken = await client.login(admin.username, admin.password)
    const created = await client.newUser(adminToken, 'Enterprise')
    Object.assign(user, { username: created.username, password: created.password })
    imageId = (await client.upload(created.token, await makeJpeg({ width: 32, height: 24 }))).json.id
    const link = await client.post(`/images/${imageId}/thumbnails/200/expiring-links`, { expiresIn: 3600 }, created.token)
    expect(link.status).to.equal(201)
    oldLink = link.json.url
    oldPath = pathOf(oldLink)
    expect((await client.get(oldPath)).status).to.equal(200)
  })
  after(async () => {
    await server?.close()
    await database?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('changing any single character of the token → 403 link_invalid', async () => {
    const client = new Client(server?.url ?? '')
    const token = oldPath.slice('/links/'.length)
    const tampered = new Set<string>()
    for (let i = 0; i < token.length; i++) if (token[i] !== '.') tampered.add(flip(token, i))
    // Structure changes too: cut, extended, a part dropped, case changed. (Percent-encoding an
    // unreserved character is the same URL by RFC 3986, so `%2E` for `.` is no tampering.)
    tampered.add(token.slice(0, -1))
    tampered.add(`${token}A`)
    tampered.add(token.split('.').slice(1).join('.'))
    tampered.add(token.toUpperCase())
    tampered.delete(token)
    for (const t of tampered) {
      const reply = await client.get(`/links/${t}`)
      expect(reply.status, `tampered: ${t} (genuine: ${token})`).to.equal(403)
      expectProblem(reply, 403, 'link_invalid')
    }
    expect(tampered.size).to.be.greaterThan(90)
    expect((await client.get(oldPath)).status, 'the genuine token still works').to.equal(200)
  })

  it('a link past its expiry → 410 link_expired', async () => {
    const { client, token } = await start(OLD)
    const link = await client.post(`/images/${imageId}/original/expiring-links`, { expiresIn: 300 }, token)
    expect((await client.get(pathOf(link.json.url))).status).to.equal(200)
    server?.clock.advance(301_000)
    expectProblem(await client.get(pathOf(link.json.url)), 410, 'link_expired')
  })

  it('Cache-Control never outlives the link: max-age counts whole seconds left, and the last second is no-store', async () => {
    const { client, token } = await start(OLD)
    const link = await client.post(`/images/${imageId}/original/expiring-links`, { expiresIn: 300 }, token)
    const msLeft = () => new Date(link.json.expiresAt).getTime() - (server?.clock.now().getTime() ?? 0)
    const cacheControl = async () => (await client.get(pathOf(link.json.url))).headers.get('cache-control')
    server?.clock.advance(msLeft() - 1_500)
    expect(await cacheControl()).to.equal('private, max-age=1')
    server?.clock.advance(500) // exactly one second left: max-age=1 ends with the link
    expect(await cacheControl()).to.equal('private, max-age=1')
    server?.clock.advance(1) // under a second: any max-age would outlive it
    expect(await cacheControl()).to.equal('no-store')
    server?.clock.advance(998)
    expect(await cacheControl()).to.equal('no-store')
    server?.clock.advance(1)
    expectProblem(await client.get(pathOf(link.json.url)), 410, 'link_expired')
  })

  let newPath: string
  it('rotation: with new,old the new key signs and links signed by the old key still work', async () => {
    const { client, token } = await start(`${NEW},${OLD}`)
    expect((await client.get(oldPath)).status).to.equal(200)
    const link = await client.post(`/images/${imageId}/thumbnails/200/expiring-links`, { expiresIn: 3600 }, token)
    newPath = pathOf(link.json.url)
    expect(newPath).to.match(/^\/links\/new\./)
    expect((await client.get(newPath)).status).to.equal(200)
  })

  it('removing the old key kills its links; links of the remaining key live on', async () => {
    const { client } = await start(NEW)
    expectProblem(await client.get(oldPath), 403, 'link_invalid')
    expect((await client.get(newPath)).status).to.equal(200)
  })

  it('a token under a kid that was never configured → 403 link_invalid', async () => {
    const client = new Client(server?.url ?? '')
    expectProblem(await client.get(oldPath.replace('/links/old.', '/links/zzz.')), 403, 'link_invalid')
  })
})
