import { expect } from 'chai'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freshPostgresUrl } from '../support/database'
import { freshS3 } from '../support/s3'
import { freePort } from '../support/server'
import { requirePostgres } from '../integration/persistence/postgres-only'

/**
 * Start-up with a backend that is down (the real process): it waits a bounded time,
 * names the backend that failed, and comes up if the backend does within the wait.
 */
describe('start-up names and waits for its backends (the real process)', function () {
  this.timeout(180_000)
  const root = path.resolve(__dirname, '../..')
  let dataDir: string
  before(() => { dataDir = mkdtempSync(path.join(tmpdir(), 'imgtier-backends-')) })
  after(() => rmSync(dataDir, { recursive: true, force: true }))

  const run = (env: NodeJS.ProcessEnv, until: (out: string) => boolean) => {
    const full: NodeJS.ProcessEnv = { ...process.env, HOST: '127.0.0.1', IMGTIER_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env }
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'bootstrap/main.ts'], { cwd: root, env: full, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let stopping = false
    return new Promise<{ code: number | null; out: string }>((resolve) => {
      const onData = (d: Buffer) => {
        out += d.toString()
        // Once: a second SIGTERM during the shutdown would be a different test.
        if (!stopping && until(out)) {
          stopping = true
          child.kill('SIGTERM')
        }
      }
      child.stdout.on('data', onData)
      child.stderr.on('data', onData)
      child.once('exit', (code, signal) => resolve({ code, out: signal ? `${out}\n[killed by ${signal}]` : out }))
    })
  }

  it('gives up on a database that never answers after IMGTIER_STARTUP_TIMEOUT_MS, naming it without its password', async () => {
    const port = await freePort()
    const r = await run({ PORT: String(await freePort()), DATABASE_URL: `postgres://app:hunter2@127.0.0.1:${port}/imgtier`, IMGTIER_STARTUP_TIMEOUT_MS: '1500' }, () => false)
    expect(r.code).to.equal(1)
    expect(r.out).to.match(new RegExp(`database \\(postgres at 127\\.0\\.0\\.1:${port}/imgtier\\) unreachable \\(\\d+ attempts in 1\\.\\d s, IMGTIER_STARTUP_TIMEOUT_MS=1500\\).*ECONNREFUSED`))
    expect(r.out).to.match(/backend not reachable yet; retrying/)
    expect(r.out).not.to.include('hunter2')
  })

  it('comes up once a database that was down starts answering within the wait', async function () {
    const db = await requirePostgres(this, freshPostgresUrl)
    const port = await freePort()
    const real = new URL(db.url)
    const viaProxy = new URL(db.url)
    viaProxy.port = String(port)
    // The "database" appears only after the API has found it down: a TCP proxy to the real server.
    let proxy: Server | undefined
    const sockets: Socket[] = []
    const startProxy = () => {
      proxy = createServer((client) => {
        const upstream = connect(Number(real.port || 5432), real.hostname)
        sockets.push(client, upstream)
        client.pipe(upstream).pipe(client)
        client.on('error', () => upstream.destroy())
        upstream.on('error', () => client.destroy())
      }).listen(port, '127.0.0.1')
    }
    try {
      const r = await run({ PORT: String(await freePort()), DATABASE_URL: viaProxy.toString(), IMGTIER_STARTUP_TIMEOUT_MS: '20000', LOG_LEVEL: 'info' }, (out) => {
        if (proxy === undefined && out.includes('retrying')) startProxy()
        return out.includes('imgtier listening')
      })
      expect(r.out).to.match(/backend not reachable yet; retrying/)
      expect(r.out).to.include('imgtier listening')
      expect(r.code, r.out).to.equal(0)
    } finally {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()))
      await db.drop()
    }
  })

  it('names an S3 bucket that does not exist at once, without waiting out the timeout', async () => {
    const s3 = await freshS3()
    try {
      const r = await run({
        PORT: String(await freePort()),
        IMGTIER_STORAGE: 's3', IMGTIER_S3_ENDPOINT: s3.endpoint, IMGTIER_S3_REGION: s3.region, IMGTIER_S3_FORCE_PATH_STYLE: 'true',
        IMGTIER_S3_BUCKET: 'imgtier-no-such-bucket-anywhere', IMGTIER_STARTUP_TIMEOUT_MS: '30000',
        AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      }, () => false)
      expect(r.code).to.equal(1)
      expect(r.out).to.match(/S3 bucket "imgtier-no-such-bucket-anywhere" \(originals\) at http:\/\/127\.0\.0\.1:\d+: the bucket does not exist \(create it, or set IMGTIER_S3_CREATE_BUCKETS=true\)/)
      // Not retried: a missing bucket will not appear by waiting.
      expect(r.out).not.to.match(/retrying/)
    } finally {
      await s3.close()
    }
  })
})
