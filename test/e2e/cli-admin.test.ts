import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import type { Server } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as E from 'fp-ts/Either'
import pino from 'pino'
import { loadConfig } from '../../bootstrap/config'
import { createImgtier, type Imgtier } from '../../bootstrap/imgtier'
import { freshPostgresUrl, type EmptyDatabase } from '../support/database'
import { Client } from '../support/http'
import { makeJpeg } from '../support/images'

/**
 * The operator CLI (`bin/imgtier.js`) against the configured database and storage, with
 * its effects checked through the HTTP API: users, tiers, thumbnails warm, links inspect,
 * exit codes, and the refusal to share an embedded database with a running server.
 */
describe('imgtier CLI: users, tiers, thumbnails, links (the real command)', function () {
  this.timeout(180_000)
  const root = path.resolve(__dirname, '../..')
  let dataDir: string
  let database: EmptyDatabase | undefined

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'imgtier-cli-admin-'))
    database = await freshPostgresUrl()
  })
  after(async () => {
    await database?.drop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  const baseEnv = (): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env, IMGTIER_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }
    if (database) env.DATABASE_URL = database.url
    else delete env.DATABASE_URL
    for (const name of ['IMGTIER_STORAGE', 'IMGTIER_JWT_SECRET', 'IMGTIER_LINK_KEYS', 'IMGTIER_ADMIN_USERNAME', 'IMGTIER_ADMIN_PASSWORD']) delete env[name]
    return env
  }

  const cli = (args: readonly string[], input?: string) => {
    const r = spawnSync(process.execPath, ['bin/imgtier.js', ...args], { cwd: root, env: baseEnv(), encoding: 'utf8', input })
    return { code: r.status, out: r.stdout, err: r.stderr, json: () => JSON.parse(r.stdout) }
  }

  /** The API on the same data (in this process), for as long as `work` runs. */
  const withApi = async <A>(work: (client: Client, app: Imgtier) => Promise<A>): Promise<A> => {
    const env = { ...baseEnv(), IMGTIER_RATE_LIMITS: 'off', IMGTIER_ADMIN_USERNAME: 'root', IMGTIER_ADMIN_PASSWORD: 'root-password-1' }
    const config = loadConfig(Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('IMGTIER_') || k === 'DATABASE_URL')))
    if (E.isLeft(config)) throw new Error(config.left.join('; '))
    const app = await createImgtier({ ...config.right, publicUrl: 'http://127.0.0.1' }, { logger: pino({ level: 'silent' }) })
    let server: Server | undefined
    try {
      server = await app.listen(0, '127.0.0.1')
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      return await work(new Client(`http://127.0.0.1:${port}`), app)
    } finally {
      await app.close()
    }
  }

  it('manages tiers and users, warms thumbnails resumably, and inspects links, with documented exit codes', async () => {
    expect(cli(['migrate']).code).to.equal(0)

    const gold = cli(['tiers', 'create', 'Gold', '--heights', '100,300', '--original', '--expiring-links', '--min-seconds', '120', '--json'])
    expect(gold.code, gold.err).to.equal(0)
    expect(gold.json()).to.deep.include({ name: 'Gold', thumbnailHeights: [100, 300], originalLink: true, expiringLinks: true, expiringLinkSeconds: { min: 120, max: 30_000 } })
    expect(cli(['tiers', 'create', 'Tin', '--heights', '5']).code, 'a height under 16 is bad usage').to.equal(2)

    const bob = cli(['users', 'create', 'bob', '--tier', 'Gold', '--password-stdin', '--json'], 'bob-password-1\n')
    expect(bob.code, bob.err).to.equal(0)
    expect(bob.json()).to.deep.include({ username: 'bob', tier: 'Gold', role: 'user', active: true })
    expect(bob.json()).not.to.have.property('password')
    const taken = cli(['users', 'create', 'bob', '--password', 'whatever-1'])
    expect([taken.code, taken.err]).to.deep.equal([4, 'imgtier: the username "bob" is taken\n'])
    expect(cli(['users', 'set-tier', 'bob', 'Platinum']).code, 'an unknown tier is not found').to.equal(3)
    expect(cli(['users', 'set-tier', 'nobody', 'Gold']).code, 'an unknown user is not found').to.equal(3)
    const inUse = cli(['tiers', 'delete', 'Gold'])
    expect(inUse.code).to.equal(4)
    expect(inUse.err).to.match(/in use/)
    const edited = cli(['tiers', 'edit', 'Gold', '--heights', '100,200', '--json'])
    expect(edited.code, edited.err).to.equal(0)
    expect(edited.json().thumbnailHeights).to.deep.equal([100, 200])
    const listed = cli(['users', 'list', '--json'])
    expect(listed.json().map((u: { username: string; tier: string }) => [u.username, u.tier])).to.deep.include(['bob', 'Gold'])

    // bob, as the API sees him: the CLI's tier, an upload, an expiring link.
    const { imageId, linkUrl } = await withApi(async (client) => {
      const token = await client.login('bob', 'bob-password-1')
      const me = await client.get('/me', token)
      expect(me.json.tier).to.deep.include({ name: 'Gold', thumbnailHeights: [100, 200] })
      const uploaded = await client.upload(token, await makeJpeg({ width: 600, height: 400 }), 'cat.jpg')
      expect(uploaded.status).to.equal(201)
      const link = await client.post(`/images/${uploaded.json.id}/thumbnails/100/expiring-links`, { expiresIn: 600 }, token)
      expect(link.status).to.equal(201)
      return { imageId: String(uploaded.json.id), linkUrl: String(link.json.url) }
    })

    const warm = cli(['thumbnails', 'warm', '--user', 'bob', '--json'])
    expect(warm.code, warm.err).to.equal(0)
    expect(warm.json()).to.deep.equal({ total: 2, rendered: 2, present: 0, failed: [] })
    const again = cli(['thumbnails', 'warm', '--tier', 'Gold', '--json'])
    expect(again.json(), 'a second run finds everything cached').to.deep.equal({ total: 2, rendered: 0, present: 2, failed: [] })
    expect(cli(['thumbnails', 'warm', '--user', 'nobody']).code).to.equal(3)

    const inspected = cli(['links', 'inspect', linkUrl, '--json'])
    expect(inspected.code, inspected.err).to.equal(0)
    expect(inspected.json()).to.deep.include({ status: 'valid', imageId, variant: 'thumbnail 100' })
    expect(inspected.json().keyId).to.be.a('string').and.not.equal('')
    const human = cli(['links', 'inspect', linkUrl])
    expect(human.out).to.match(/^status: +valid \(\d+ s left\)$/m).and.to.match(new RegExp(`^image: +${imageId}$`, 'm'))
    const tampered = cli(['links', 'inspect', `${linkUrl.slice(0, -2)}xx`, '--json'])
    expect([tampered.code, tampered.json().status]).to.deep.equal([4, 'invalid'])

    expect(cli(['users', 'set-password', 'bob', '--password-stdin'], 'bob-password-2').code).to.equal(0)
    await withApi(async (client) => {
      expect((await client.post('/auth/login', { username: 'bob', password: 'bob-password-1' })).status).to.equal(401)
      expect((await client.post('/auth/login', { username: 'bob', password: 'bob-password-2' })).status).to.equal(200)
    })
    expect(cli(['users', 'deactivate', 'bob']).code).to.equal(0)
    const revoked = cli(['links', 'inspect', linkUrl, '--json'])
    expect([revoked.code, revoked.json().status]).to.deep.equal([4, 'revoked'])
  })

  it('on the embedded database, refuses clearly while a server holds it (exit 5), never a WASM abort', async () => {
    const embedded = mkdtempSync(path.join(tmpdir(), 'imgtier-cli-lock-'))
    const env = (): NodeJS.ProcessEnv => {
      const e: NodeJS.ProcessEnv = { ...process.env, IMGTIER_DATA_DIR: embedded, LOG_LEVEL: 'silent' }
      delete e.DATABASE_URL
      return e
    }
    try {
      const config = loadConfig({ IMGTIER_DATA_DIR: embedded, IMGTIER_ADMIN_USERNAME: 'root', IMGTIER_ADMIN_PASSWORD: 'root-password-1' })
      if (E.isLeft(config)) throw new Error(config.left.join('; '))
      const app = await createImgtier(config.right, { logger: pino({ level: 'silent' }) })
      try {
        for (const args of [['users', 'list'], ['reconcile'], ['migrate']]) {
          const r = spawnSync(process.execPath, ['bin/imgtier.js', ...args], { cwd: root, env: env(), encoding: 'utf8' })
          expect(r.status, `${args.join(' ')}: ${r.stderr}`).to.equal(5)
          expect(r.stderr).to.include(`is in use by process ${process.pid}`).and.to.include('DATABASE_URL')
          expect(r.stderr).not.to.match(/Aborted|RuntimeError/)
        }
      } finally {
        await app.close()
      }
      // Released on close: the CLI may now open it.
      const after = spawnSync(process.execPath, ['bin/imgtier.js', 'users', 'list', '--json'], { cwd: root, env: env(), encoding: 'utf8' })
      expect(after.status, after.stderr).to.equal(0)
      expect(JSON.parse(after.stdout).map((u: { username: string }) => u.username)).to.deep.equal(['root'])
    } finally {
      rmSync(embedded, { recursive: true, force: true })
    }
  })
})
