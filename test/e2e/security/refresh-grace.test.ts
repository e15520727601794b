import { expect } from 'chai'
import type { Database } from '../../../adapters/persistence'
import { REFRESH_REUSE_GRACE_MS } from '../../../application/use-cases/refresh-session'
import { freshPglite, freshPostgres } from '../../support/database'
import { Client, expectProblem, type Reply } from '../../support/http'
import { startTestServer, type TestServer } from '../../support/server'
import { requirePostgres } from '../../integration/persistence/postgres-only'

/**
 * Two tabs refreshing with the same token at the same moment must not log the user out:
 * within a short grace a just-rotated token answers the same successor refresh token.
 * After the grace, a spent token is reuse, and reuse revokes the whole family.
 */

const databases: readonly { name: string; make: (ctx: Mocha.Context) => Promise<Database> }[] = [
  { name: 'PGlite', make: async () => freshPglite() },
  { name: 'Postgres', make: (ctx) => requirePostgres(ctx, () => freshPostgres()) },
]

for (const db of databases) {
  describe(`security e2e: refresh grace window (${db.name})`, function () {
    this.timeout(60_000)
    let server: TestServer | undefined
    let database: Database | undefined
    let client: Client
    let user: { username: string; password: string }

    before(async function () {
      database = await db.make(this)
      server = await startTestServer({ database })
      client = new Client(server.url)
      user = await client.newUser(await client.login(server.admin.username, server.admin.password), 'Basic')
    })
    after(async () => {
      await server?.close()
      await database?.close()
    })

    const login = async (): Promise<string> => (await client.post('/auth/login', user)).json.refreshToken
    const refresh = (refreshToken: string): Promise<Reply> => client.post('/auth/refresh', { refreshToken })
    const expectRefused = (r: Reply) => expectProblem(r, 401, 'unauthorized')

    it('a token refreshed again within the grace answers the same successor, and the session lives on', async () => {
      const first = await login()
      const a = await refresh(first)
      expect(a.status).to.equal(200)
      server?.clock.advance(REFRESH_REUSE_GRACE_MS - 1_000)
      const b = await refresh(first)
      expect(b.status, JSON.stringify(b.json)).to.equal(200)
      expect(b.json.refreshToken).to.equal(a.json.refreshToken)
      expect((await client.get('/me', b.json.accessToken)).status).to.equal(200)
      const next = await refresh(a.json.refreshToken)
      expect(next.status).to.equal(200)
      expect(next.json.refreshToken).not.to.equal(a.json.refreshToken)
    })

    it('two truly concurrent refreshes with one token both succeed with one successor', async () => {
      for (let round = 0; round < 5; round++) {
        const token = await login()
        const replies = await Promise.all([refresh(token), refresh(token), refresh(token)])
        expect(replies.map((r) => r.status), JSON.stringify(replies.map((r) => r.json))).to.deep.equal([200, 200, 200])
        expect(new Set(replies.map((r) => r.json.refreshToken)).size).to.equal(1)
        expect((await refresh(replies[0]!.json.refreshToken)).status).to.equal(200)
      }
    })

    it('reuse after the grace still revokes the whole family', async () => {
      const first = await login()
      const a = await refresh(first)
      server?.clock.advance(REFRESH_REUSE_GRACE_MS + 1)
      expectRefused(await refresh(first))
      expectRefused(await refresh(a.json.refreshToken))
    })

    it('within the grace, a token whose successor was spent already is reuse too', async () => {
      const first = await login()
      const a = await refresh(first)
      const b = await refresh(a.json.refreshToken)
      expect(b.status).to.equal(200)
      expectRefused(await refresh(first))
      expectRefused(await refresh(b.json.refreshToken))
    })
  })
}
