import { expect } from 'chai'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { makeJpeg } from '../support/images'
import { Client } from '../support/http'
import { freePort } from '../support/server'

/**
 * `npm start` as a person runs it: no configuration but a data dir, embedded PGlite and
 * filesystem blobs. The first start prints the admin's random password; the second
 * reuses the data and prints nothing.
 */
describe('start-up on embedded defaults (the real process)', function () {
  this.timeout(120_000)
  const root = path.resolve(__dirname, '../..')
  let dataDir: string

  let scratch: string
  // A data dir that does not exist yet, as ./var on a fresh clone: the first start makes it.
  before(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'imgtier-start-'))
    dataDir = path.join(scratch, 'var')
  })
  after(() => rmSync(scratch, { recursive: true, force: true }))

  const start = async (): Promise<{ child: ChildProcess; url: string; output: () => string }> => {
    const port = await freePort()
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', IMGTIER_DATA_DIR: dataDir, LOG_LEVEL: 'info' }
    for (const name of ['DATABASE_URL', 'IMGTIER_ADMIN_USERNAME', 'IMGTIER_ADMIN_PASSWORD', 'IMGTIER_STORAGE', 'IMGTIER_JWT_SECRET', 'IMGTIER_LINK_KEYS']) delete env[name]
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'bootstrap/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout?.on('data', (d: Buffer) => { out += d.toString() })
    child.stderr?.on('data', (d: Buffer) => { out += d.toString() })
    const deadline = Date.now() + 90_000
    while (!out.includes('imgtier listening')) {
      if (child.exitCode !== null) throw new Error(`imgtier exited ${child.exitCode}:\n${out}`)
      if (Date.now() > deadline) throw new Error(`imgtier did not start:\n${out}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    return { child, url: `http://127.0.0.1:${port}`, output: () => out }
  }

  const stop = (child: ChildProcess) => new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code))
    child.kill('SIGTERM')
  })

  it('creates admin with a printed password once, then reuses the data on the next start', async () => {
    const first = await start()
    const match = /created admin user "admin" with password: (\S+)/.exec(first.output())
    expect(match, first.output()).to.not.equal(null)
    expect(first.output()).to.match(/imgtier: web console at http:\/\/localhost:\d+\/console/)
    const password = match?.[1] ?? ''
    const client = new Client(first.url)
    const token = await client.login('admin', password)
    const uploaded = await client.upload(token, await makeJpeg({ width: 40, height: 30 }), 'kept.jpg')
    expect(uploaded.status).to.equal(201)
    const tiers = await client.get('/admin/tiers', token)
    expect(tiers.json.results.map((t: { name: string }) => t.name)).to.include.members(['Basic', 'Premium', 'Enterprise'])
    expect(await stop(first.child)).to.equal(0)

    const second = await start()
    try {
      expect(second.output()).not.to.include('password:')
      const again = new Client(second.url)
      const token2 = await again.login('admin', password)
      const list = await again.get('/images', token2)
      expect(list.json.count).to.equal(1)
      expect(list.json.results[0].name).to.equal('kept')
      const thumb = await again.get(`/images/${uploaded.json.id}/thumbnails/200`, token2)
      expect(thumb.status).to.equal(200)
    } finally {
      await stop(second.child)
    }
  })

  it('ensures the configured admin and refuses a bad configuration with one line per problem', async () => {
    const port = await freePort()
    const env = { ...process.env, PORT: 'eighty', IMGTIER_STORAGE: 'ftp', IMGTIER_DATA_DIR: dataDir, IMGTIER_MAX_PIXELS: '-1' }
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'bootstrap/main.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let err = ''
    child.stderr?.on('data', (d: Buffer) => { err += d.toString() })
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect(code).to.equal(1)
    expect(err).to.match(/PORT: must be an integer/)
    expect(err).to.match(/IMGTIER_STORAGE: must be one of fs, s3/)
    expect(err).to.match(/IMGTIER_MAX_PIXELS: must be an integer/)
    expect(port).to.be.greaterThan(0)
  })
})
