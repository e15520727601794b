import { expect } from 'chai'
import { randomBytes } from 'node:crypto'
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as E from 'fp-ts/Either'
import pino from 'pino'
import { CLAIM_TIMING } from '../../application/render-once'
import { scryptPasswordHasher } from '../../adapters/auth'
import { loadConfig } from '../../bootstrap/config'
import { createImgtier, type Imgtier } from '../../bootstrap/imgtier'
import { pgliteTemplate } from '../support/database'
import { Client } from '../support/http'
import { makeJpeg } from '../support/images'
import { freePort, startTestServer } from '../support/server'

/**
 * Issue 9: "a crashed renderer's claim stalls the next request ~30 s". A claim lives a
 * couple of seconds unless its renderer renews it, and an embedded instance forgets
 * every claim when it starts.
 */
describe('render claims left by a crashed renderer', function () {
  this.timeout(60_000)

  it('stall the next request no longer than a claim lives (another instance died mid-render)', async () => {
    const server = await startTestServer()
    try {
      const client = new Client(server.url)
      const admin = await client.login(server.admin.username, server.admin.password)
      const user = await client.newUser(admin, 'Basic')
      const image = (await client.upload(user.token, await makeJpeg({ width: 400, height: 300 }))).json
      // What a renderer that claimed and then died leaves behind: a fresh claim that nobody renews.
      const planted = await server.imgtier.deps.claims.claim(image.id, 200, CLAIM_TIMING.ttlMs)()
      expect(planted).to.deep.equal(E.right(true))
      const t0 = Date.now()
      const reply = await client.get(`/images/${image.id}/thumbnails/200`, user.token)
      expect(reply.status).to.equal(200)
      expect(Date.now() - t0, 'answered once the dead claim expired').to.be.below(CLAIM_TIMING.ttlMs + 1_500)
    } finally {
      await server.close()
    }
  })

  it('are forgotten when an embedded (PGlite) instance restarts: the first request renders at once', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'imgtier-claims-restart-'))
    await cp(await pgliteTemplate(), path.join(dataDir, 'pglite'), { recursive: true })
    const env = {
      HOST: '127.0.0.1', IMGTIER_DATA_DIR: dataDir, IMGTIER_RATE_LIMITS: 'off', LOG_LEVEL: 'silent',
      IMGTIER_ADMIN_USERNAME: 'admin', IMGTIER_ADMIN_PASSWORD: 'restart-admin-password',
      IMGTIER_JWT_SECRET: randomBytes(32).toString('base64url'), IMGTIER_LINK_KEYS: `k1:${randomBytes(32).toString('base64url')}`,
    }
    const start = async (): Promise<{ app: Imgtier; client: Client }> => {
      const port = await freePort()
      const config = loadConfig({ ...env, PORT: String(port), IMGTIER_PUBLIC_URL: `http://127.0.0.1:${port}` })
      if (E.isLeft(config)) throw new Error(config.left.join('; '))
      const app = await createImgtier(config.right, { passwords: scryptPasswordHasher({ cost: { N: 1024 } }), logger: pino({ level: 'silent' }) })
      await app.listen(port, '127.0.0.1')
      return { app, client: new Client(`http://127.0.0.1:${port}`) }
    }
    let running: Imgtier | undefined
    try {
      const first = await start()
      running = first.app
      expect(first.app.database.kind).to.equal('pglite')
      const admin = await first.client.login('admin', 'restart-admin-password')
      const user = await first.client.newUser(admin, 'Basic')
      const image = (await first.client.upload(user.token, await makeJpeg({ width: 400, height: 300 }))).json
      // The process dies in the middle of a render: its claim would live ten more minutes.
      expect(await first.app.deps.claims.claim(image.id, 200, 600_000)()).to.deep.equal(E.right(true))
      await first.app.close()
      running = undefined

      const second = await start()
      running = second.app
      const token = await second.client.login(user.username, user.password)
      const t0 = Date.now()
      expect((await second.client.get(`/images/${image.id}/thumbnails/200`, token)).status).to.equal(200)
      expect(Date.now() - t0, 'no wait for the dead claim').to.be.below(CLAIM_TIMING.ttlMs)
    } finally {
      await running?.close()
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})
