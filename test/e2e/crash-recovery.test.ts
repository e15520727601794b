import { expect } from 'chai'
import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { randomBytes, randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { freshPostgresUrl, pgliteTemplate, type EmptyDatabase } from '../support/database'
import { Client, request, type Reply } from '../support/http'
import { makeGrainyJpeg } from '../support/images'
import { startImgtierProcess, type ImgtierProcess } from '../support/process'
import { startTestServer } from '../support/server'
import { requirePostgres } from '../integration/persistence/postgres-only'

/** Partial files (`<blob>@.<hex>.tmp`) under dir, relative to it. */
export const temporariesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /@\.[0-9a-f]{12}\.tmp$/.test(e.name))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort()

describe('crash recovery: partial files at start', function () {
  this.timeout(60_000)

  it('removes the partial files an interrupted write left, once they are older than any write in flight', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'imgtier-partials-'))
    try {
      const blobs = path.join(dataDir, 'blobs')
      const partial = (rel: string, at: Date) => {
        const file = path.join(blobs, rel)
        mkdirSync(path.dirname(file), { recursive: true })
        writeFileSync(file, Buffer.alloc(64 * 1024, 7))
        utimesSync(file, at, at)
      }
      const id = randomUUID()
      // The test server's clock reads 2026-01-15T12:00Z: one partial is a day older, one a minute.
      partial(`originals/${id}@.0123456789ab.tmp`, new Date('2026-01-14T12:00:00Z'))
      partial(`thumbnails/${id}/200@.0123456789ab.tmp`, new Date('2026-01-14T12:00:00Z'))
      partial(`originals/${randomUUID()}@.ba9876543210.tmp`, new Date('2026-01-15T11:59:00Z'))
      const before = temporariesUnder(blobs)
      expect(before).to.have.length(3)
      const server = await startTestServer({ dataDir })
      try {
        expect(temporariesUnder(blobs)).to.deep.equal(before.filter((f) => f.includes('ba9876543210')))
        expect(readdirSync(path.join(blobs, 'thumbnails'))).to.deep.equal([]) // its emptied folder pruned
      } finally {
        await server.close()
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

/**
 * The real server process, killed with SIGKILL in the middle of an upload burst and of a
 * delete burst (first renders in flight both times), on PGlite and on Postgres, and
 * started again: every acknowledged upload is there with its bytes, every acknowledged
 * delete stays deleted, every row has its original, the first thumbnail request answers
 * within 2 s (a dead renderer's claim is taken over), and after `npm run reconcile` no
 * blob, thumbnail or partial file lacks a row.
 */
const ROOT = path.resolve(__dirname, '../..')
const HEIGHT = 400
const SEEDED = 4
const BURST = 8

const databases: readonly { name: string; make: (ctx: Mocha.Context) => Promise<EmptyDatabase | undefined> }[] = [
  { name: 'PGlite', make: async () => undefined },
  { name: 'Postgres', make: (ctx) => requirePostgres(ctx, () => freshPostgresUrl()) },
]

/** Image ids that have an original blob, a thumbnail folder, and the partial files, in a filesystem store. */
const blobsUnder = (blobs: string) => {
  const list = (dir: string) => (existsSync(dir) ? readdirSync(dir) : [])
  return {
    originals: list(path.join(blobs, 'originals')).filter((f) => f.endsWith('@')).map((f) => f.slice(0, -1)).sort(),
    thumbnailed: list(path.join(blobs, 'thumbnails')).sort(),
    temporaries: existsSync(blobs) ? temporariesUnder(blobs) : [],
  }
}

/** Settles every request of a burst: a reply, or the error a killed server leaves the client with. */
const settle = (replies: readonly Promise<Reply>[]) => Promise.allSettled(replies)

for (const db of databases) {
  describe(`crash recovery: kill -9 during bursts (${db.name}, the real process)`, function () {
    this.timeout(240_000)
    let pg: EmptyDatabase | undefined
    let dataDir: string
    let env: Record<string, string>
    let proc: ImgtierProcess | undefined
    let api: Client
    let user: { username: string; password: string; token: string }
    let photo: Buffer
    const admin = { username: 'admin', password: randomBytes(12).toString('base64url') }

    before(async function () {
      pg = await db.make(this)
      dataDir = mkdtempSync(path.join(tmpdir(), 'imgtier-crash-'))
      env = {
        IMGTIER_DATA_DIR: dataDir,
        IMGTIER_ADMIN_USERNAME: admin.username,
        IMGTIER_ADMIN_PASSWORD: admin.password,
        IMGTIER_JWT_SECRET: randomBytes(32).toString('base64url'),
        IMGTIER_LINK_KEYS: `k1:${randomBytes(32).toString('base64url')}`,
        LOG_LEVEL: 'info', // the process helper waits for the 'imgtier listening' line
        ...(pg ? { DATABASE_URL: pg.url } : {}),
      }
      // An already-migrated PGlite, as a first start would leave it: the crash is what is under test, not initdb.
      if (!pg) cpSync(await pgliteTemplate(), path.join(dataDir, 'pglite'), { recursive: true })
      // A photo-like 3000×2000 JPEG of a few MB: its write and its 400 px render take long enough to be cut.
      photo = await makeGrainyJpeg({ width: 3000, height: 2000, grain: 2, quality: 90 })
    })
    after(async () => {
      await proc?.dispose()
      // Unset when the suite was skipped (no Postgres) before its data directory was made.
      if (dataDir) rmSync(dataDir, { recursive: true, force: true })
      await pg?.drop()
    })

    const t0 = Date.now()
    const mark = (what: string) => { if (process.env.CRASH_TIMING) console.log(`        ${what} at ${Date.now() - t0} ms`) }
    const start = async () => {
      mark('start')
      proc = await startImgtierProcess(env)
      mark('started')
      api = new Client(proc.url)
    }
    const kill = async () => {
      const exited = proc?.exited()
      proc?.child.kill('SIGKILL')
      await exited
    }
    /** Starts the killed server again, as a supervisor would. */
    const restart = async () => {
      await proc?.dispose()
      await start()
      user.token = await api.login(user.username, user.password)
    }
    /** What an operator runs after a crash (nothing waits on its grace), with the server down, as PGlite needs. */
    const reconcile = async () => {
      const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'reconcile', '--', '--grace-minutes', '0', '--json'], {
        cwd: ROOT, env: { ...process.env, ...env }, timeout: 60_000,
      })
      mark('reconciled')
      return JSON.parse(stdout) as { temporaries?: number; removed?: readonly string[] }
    }
    const listed = async (): Promise<string[]> => {
      const ids: string[] = []
      for (let offset = 0; ; offset += 100) {
        const page = await api.get(`/images?limit=100&offset=${offset}`, user.token)
        expect(page.status).to.equal(200)
        ids.push(...page.json.results.map((i: { id: string }) => i.id))
        if (page.json.next === null) return ids.sort()
      }
    }
    /** Every row has its original, byte for byte. */
    const expectEveryRowHasItsBlob = async (): Promise<string[]> => {
      const ids = await listed()
      for (const id of ids) {
        const original = await api.get(`/images/${id}/original`, user.token)
        expect(original.status, id).to.equal(200)
        expect(Buffer.compare(original.body, photo), id).to.equal(0)
      }
      return ids
    }
    /** ...and after reconcile, nothing in the store (original, thumbnail or partial file) lacks a row. */
    const expectNothingLacksARow = (ids: readonly string[]) => {
      const store = blobsUnder(path.join(dataDir, 'blobs'))
      expect(store.originals).to.deep.equal(ids)
      expect(store.thumbnailed.filter((id) => !ids.includes(id))).to.deep.equal([])
      expect(store.temporaries).to.deep.equal([])
    }
    /** The first thumbnail request after a restart: a claim the killed process held must not stall it. */
    const expectPromptThumbnail = async (id: string) => {
      const started = performance.now()
      const r = await request(`${api.base}/images/${id}/thumbnails/${HEIGHT}`, { token: user.token })
      const ms = performance.now() - started
      expect(r.status).to.equal(200)
      expect(ms, `first thumbnail after restart took ${Math.round(ms)} ms`).to.be.below(2_000)
    }
    /** Fires the burst with first renders beside it; kills the server once the first answer of the burst is in. */
    const burstThenKill = async (fire: () => Promise<Reply>[], renders: readonly string[]) => {
      const burst = fire()
      const thumbnails = renders.map((id) => request(`${api.base}/images/${id}/thumbnails/${HEIGHT}`, { token: user.token }))
      // Settled from the start: the kill rejects what is in flight, and nothing may go unhandled.
      const outcomes = settle(burst)
      const rendered = settle(thumbnails)
      await Promise.race([Promise.any(burst), new Promise((r) => setTimeout(r, 5_000))]).catch(() => undefined)
      await kill()
      await rendered
      return outcomes
    }

    it('an upload burst, then a delete burst: every row keeps its blob, nothing lacks a row, thumbnails answer at once', async () => {
      await start()
      const adminToken = await api.login(admin.username, admin.password)
      const created = await api.newUser(adminToken, 'Enterprise')
      user = { username: created.username, password: created.password, token: created.token }
      const seeded: string[] = []
      for (let i = 0; i < SEEDED; i++) seeded.push((await api.upload(user.token, photo, `seed${i}.jpg`)).json.id)

      // 1. Uploads cut mid-flight, with first renders of the seeded images in flight too; restarted at once.
      const uploads = await burstThenKill(() => Array.from({ length: BURST }, (_, i) => api.upload(user.token, photo, `burst${i}.jpg`)), seeded.slice(0, 2))
      const acked = uploads.flatMap((u) => (u.status === 'fulfilled' && u.value.status === 201 ? [u.value.json.id as string] : []))
      const cut = uploads.filter((u) => u.status === 'rejected').length
      const leftBehind = blobsUnder(path.join(dataDir, 'blobs')).temporaries.length
      await restart()
      await expectPromptThumbnail(seeded[0]!)
      await expectPromptThumbnail(seeded[1]!)
      const afterUploads = await expectEveryRowHasItsBlob()
      expect(afterUploads).to.include.members([...seeded, ...acked])

      // 2. Deletes cut mid-flight, with first renders of the survivors in flight; then reconcile, and restart.
      const doomed = afterUploads.filter((id) => !seeded.slice(0, 2).includes(id))
      const deletes = await burstThenKill(() => doomed.map((id) => api.delete(`/images/${id}`, user.token)), seeded.slice(2))
      const gone = deletes.flatMap((d, i) => (d.status === 'fulfilled' && d.value.status === 204 ? [doomed[i]!] : []))
      const reconciled = await reconcile()
      await restart()
      console.log(`      upload burst: ${acked.length} of ${BURST} acknowledged, ${cut} cut, ${leftBehind} partial file(s) left; `
        + `delete burst: ${gone.length} of ${doomed.length} acknowledged; reconcile removed ${reconciled.temporaries ?? 0} partial file(s)`)
      await expectPromptThumbnail(seeded[1]!)
      const afterDeletes = await expectEveryRowHasItsBlob()
      expectNothingLacksARow(afterDeletes)
      for (const id of gone) {
        expect(afterDeletes).not.to.include(id)
        expect((await api.get(`/images/${id}`, user.token)).status).to.equal(404)
      }
      expect(afterDeletes).to.include.members(seeded.slice(0, 2))
    })
  })
}
