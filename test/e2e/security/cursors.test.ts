import { expect } from 'chai'
import { randomUUID } from 'node:crypto'
import type { Database } from '../../../adapters/persistence'
import { freshPglite, freshPostgres } from '../../support/database'
import { Client, expectProblem } from '../../support/http'
import { makeJpeg } from '../../support/images'
import { startTestServer, type TestServer } from '../../support/server'
import { requirePostgres } from '../../integration/persistence/postgres-only'

/**
 * Keyset cursors are positions the server hands out: a client may only give them back.
 * Forged, tampered or malformed ones (out-of-range dates included, which PGlite used to
 * answer with 503) are refused at the edge with 400, on both databases.
 */

const b64 = (text: string): string => Buffer.from(text).toString('base64url')
const pathOf = (url: string): string => new URL(url).pathname + new URL(url).search
const cursorOf = (url: string): string => new URL(url).searchParams.get('cursor') ?? ''

const databases: readonly { name: string; make: (ctx: Mocha.Context) => Promise<Database> }[] = [
  { name: 'PGlite', make: async () => freshPglite() },
  { name: 'Postgres', make: (ctx) => requirePostgres(ctx, () => freshPostgres()) },
]

for (const db of databases) {
  describe(`security e2e: cursors (${db.name})`, function () {
    this.timeout(60_000)
    let server: TestServer | undefined
    let database: Database | undefined
    let api: Client
    let user: Awaited<ReturnType<Client['newUser']>>
    let ids: string[]

    before(async function () {
      database = await db.make(this)
      server = await startTestServer({ database })
      api = new Client(server.url)
      user = await api.newUser(await api.login(server.admin.username, server.admin.password), 'Basic')
      ids = []
      for (let i = 0; i < 5; i++) {
        server.clock.advance(1000)
        ids.push((await api.upload(user.token, await makeJpeg({ width: 16, height: 16 }), `p${i}.jpg`)).json.id)
      }
    })
    after(async () => {
      await server?.close()
      await database?.close()
    })

    it('keeps next and previous working, and the cursor opaque', async () => {
      const first = await api.get('/images?limit=2&cursor=', user.token)
      expect(first.status).to.equal(200)
      const second = await api.get(pathOf(first.json.next), user.token)
      expect(second.json.results.map((i: { id: string }) => i.id)).to.deep.equal([ids[2], ids[1]])
      const back = await api.get(pathOf(second.json.previous), user.token)
      expect(back.json.results.map((i: { id: string }) => i.id)).to.deep.equal([ids[4], ids[3]])
      // URL-safe text that spells no date or id a client could be tempted to edit.
      expect(cursorOf(first.json.next)).to.match(/^[A-Za-z0-9_.-]+$/)
      expect(cursorOf(first.json.next)).not.to.include(ids[3]!.slice(0, 8))
    })

    it('refuses forged positions, out-of-range dates included, with 400 invalid_request', async () => {
      const forged = [
        `a|0000-01-01T00:00:00.000Z|${randomUUID()}`,
        `a|+275760-09-13T00:00:00.000Z|${randomUUID()}`,
        `b|-000001-01-01T00:00:00.000Z|${randomUUID()}`,
        `a|2026-01-15T12:00:03.000Z|${ids[2]}`, // a real position, but not one the server signed
      ]
      for (const text of forged) {
        const r = await api.get(`/images?limit=2&cursor=${b64(text)}`, user.token)
        expectProblem(r, 400, 'invalid_request')
        expect(r.json.errors[0].path).to.equal('cursor')
      }
    })

    it('refuses a tampered or malformed cursor with 400 invalid_request', async () => {
      const first = await api.get('/images?limit=2&cursor=', user.token)
      const good = cursorOf(first.json.next)
      const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1)
      const bad = [flip(good, 3), flip(good, good.length - 2), good.slice(0, -1), `${good}A`, good.split('.').reverse().join('.'),
        'bogus', '.', '..', '%00', 'x'.repeat(5000), encodeURIComponent('ü.ü')]
      for (const cursor of bad) {
        const r = await api.get(`/images?limit=2&cursor=${encodeURIComponent(cursor)}`, user.token)
        expectProblem(r, 400, 'invalid_request')
      }
    })
  })
}
