/**
 * The render and upload paths against bare sharp on the same bytes, same machine, one run:
 *   node -r @swc-node/register bench/render.ts        (DATABASE_URL set: on that Postgres; else PGlite)
 * `renderRows()` is what `npm run bench` (bench/run.ts) imports; run alone it prints the rows.
 *
 * - first render: a fresh 1920×1080 JPEG → 200 px through the thumbnail use case (image
 *   lookup, claim, read original, render, store, open the stored bytes) vs sharp alone
 *   rendering the same bytes from memory; medians of alternating runs.
 * - two renders in flight vs one, through the same path.
 * - upload of a ~300 KB 1920×1080 JPEG through the real HTTP server, 4 in flight, vs the
 *   bare validation work (sharp reads the header, then decodes at reduced size), 4 in flight.
 * - peak RSS of a fresh instance (its own process) while 6000×4000 originals are rendered two at a time.
 */
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { Agent, request as httpRequest } from 'node:http'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import pino from 'pino'
import sharp from 'sharp'
import { loadConfig } from '../bootstrap/config'
import { tuneHeapForServing } from '../bootstrap/heap'
import { createImgtier, type Imgtier } from '../bootstrap/imgtier'
import { makeGrainyJpeg } from '../test/support/images'
import { bareRender, bareValidate, median } from './harness/yardsticks'

export interface BenchRow {
  readonly name: string
  readonly unit: string
  /** imgtier's figure. */
  readonly value: number
  /** What it is compared with, measured in the same run and unit. */
  readonly baseline: { readonly name: string; readonly value: number }
  /** value / baseline. */
  readonly ratio: number
  /** The issue's target for the ratio, e.g. "≤ 1.5". */
  readonly target: string
  readonly met: boolean
  /** What else the run measured that a reader needs beside the ratio (e.g. the machine's own ceiling). */
  readonly note?: string
}

export interface RenderBenchOptions {
  /** A Postgres to run on (migrated at start); unset: embedded PGlite in a temp dir. */
  readonly databaseUrl?: string
  /** First renders timed (each on a fresh image). */
  readonly firstRenders?: number
  /** Uploads timed on each side. */
  readonly uploads?: number
  /** Only the upload row (`--upload-only` when run alone): quick before/after runs of the upload path. */
  readonly uploadOnly?: boolean
  readonly log?: (line: string) => void
}

const MB = 1024 * 1024

const timed = async (task: () => Promise<unknown>): Promise<number> => {
  const t0 = performance.now()
  await task()
  return performance.now() - t0
}

/** Runs `count` tasks with `lanes` in flight; returns completions per second. */
const throughput = async (count: number, lanes: number, task: (i: number) => Promise<unknown>): Promise<number> => {
  let next = 0
  const t0 = performance.now()
  await Promise.all(Array.from({ length: lanes }, async () => {
    while (next < count) await task(next++)
  }))
  return count / ((performance.now() - t0) / 1000)
}

interface Side { readonly perSecond: number; readonly cpuMsPerOp: number }

/**
 * Two workloads in alternating slices of `count / slices` tasks each, `lanes` in flight:
 * a change in the machine's load (it is shared) falls on both sides alike. Returns each
 * side's throughput and the CPU this process spent per task (user + system, all threads).
 */
const alternating = async (
  count: number, lanes: number, slices: number, a: () => Promise<unknown>, b: () => Promise<unknown>,
): Promise<[Side, Side]> => {
  const per = Math.max(lanes, Math.round(count / slices))
  const spent = { a: { ms: 0, cpu: 0 }, b: { ms: 0, cpu: 0 } }
  const run = async (task: () => Promise<unknown>, into: { ms: number; cpu: number }) => {
    const cpu = process.cpuUsage()
    into.ms += (per / (await throughput(per, lanes, task))) * 1000
    const used = process.cpuUsage(cpu)
    into.cpu += (used.user + used.system) / 1000
  }
  for (let i = 0; i < slices; i++) {
    await run(a, spent.a)
    await run(b, spent.b)
  }
  const side = (x: { ms: number; cpu: number }): Side => ({ perSecond: (per * slices) / (x.ms / 1000), cpuMsPerOp: x.cpu / (per * slices) })
  return [side(spent.a), side(spent.b)]
}

const row = (name: string, unit: string, value: number, baseline: BenchRow['baseline'], target: string, note?: string): BenchRow => {
  const ratio = value / baseline.value
  const bound = Number(target.slice(2))
  return { name, unit, value, baseline, ratio, target, met: target.startsWith('≤') ? ratio <= bound : ratio >= bound, ...(note ? { note } : {}) }
}


/** The 6000×4000 original is made in a child process, so making it does not inflate this process's RSS. */
const bigJpegFromChild = (): Buffer =>
  execFileSync(process.execPath, ['-r', '@swc-node/register', '-e', `
    require(${JSON.stringify(path.join(__dirname, '../test/support/images'))})
      .makeGrainyJpeg({ width: 6000, height: 4000, grain: 10 })
      .then((b) => process.stdout.write(b))`], { maxBuffer: 64 * MB, cwd: path.join(__dirname, '..') })

interface Session {
  readonly app: Imgtier
  readonly base: string
  readonly auth: Record<string, string>
  readonly ownerId: string
}

const json = async (res: Promise<Response>): Promise<Record<string, unknown>> => {
  const r = await res
  const body: unknown = await r.json()
  if (!r.ok || body === null || typeof body !== 'object') throw new Error(`unexpected ${r.status}: ${JSON.stringify(body)}`)
  return body as Record<string, unknown>
}

const start = async (databaseUrl: string | undefined, dataDir: string): Promise<Session> => {
  const password = randomBytes(12).toString('hex')
  const config = loadConfig({
    HOST: '127.0.0.1', IMGTIER_DATA_DIR: dataDir, IMGTIER_RATE_LIMITS: 'off', LOG_LEVEL: 'silent',
    IMGTIER_ADMIN_USERNAME: 'admin', IMGTIER_ADMIN_PASSWORD: password,
    IMGTIER_JWT_SECRET: randomBytes(32).toString('hex'), IMGTIER_LINK_KEYS: `b1:${randomBytes(32).toString('hex')}`,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  })
  if (E.isLeft(config)) throw new Error(config.left.join('\n'))
  const app = await createImgtier(config.right, { logger: pino({ level: 'silent' }) })
  const server = await app.listen(0, '127.0.0.1')
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const login = (username: string, pw: string) =>
    json(fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: pw }) }))
  const admin = { authorization: `Bearer ${String((await login('admin', password)).accessToken)}` }
  const premium = await app.deps.tiers.findByName('Premium')()
  if (E.isLeft(premium) || O.isNone(premium.right)) throw new Error('no Premium tier')
  const username = `bench${randomBytes(4).toString('hex')}`
  const user = await json(fetch(`${base}/admin/users`, {
    method: 'POST', headers: { ...admin, 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'bench-password', tierId: premium.right.value.id }),
  }))
  const auth = { authorization: `Bearer ${String((await login(username, 'bench-password')).accessToken)}` }
  return { app, base, auth, ownerId: String(user.id) }
}

/** The multipart body for each image, built once: the client's own work stays out of the figure. */
const bodies = new WeakMap<Buffer, Buffer>()
const BOUNDARY = 'imgtier-bench-8f3a1c'
const multipartOf = (bytes: Buffer): Buffer => {
  let body = bodies.get(bytes)
  if (body === undefined) {
    const head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="bench.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`
    body = Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${BOUNDARY}--\r\n`)])
    bodies.set(bytes, body)
  }
  return body
}

/**
 * POST /images over a kept-alive node:http connection with a prebuilt body, as a load
 * tool would send it: fetch + FormData cost this process 1.5–2 ms of CPU per upload,
 * which the bare side never pays (autocannon does the same for the HTTP rows, in a
 * process of its own).
 */
const agent = new Agent({ keepAlive: true, maxSockets: 8 })
const upload = (s: Session, bytes: Buffer): Promise<string> =>
  new Promise((resolve, reject) => {
    const body = multipartOf(bytes)
    const req = httpRequest(`${s.base}/images`, {
      method: 'POST', agent,
      headers: { ...s.auth, 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': body.length },
    }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('error', reject)
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString()
        if (res.statusCode !== 201) return reject(new Error(`unexpected ${res.statusCode}: ${text}`))
        resolve(String((JSON.parse(text) as { id?: unknown }).id))
      })
    })
    req.on('error', reject)
    req.end(body)
  })

/** The first request for a thumbnail, below HTTP: lookup, claim, render, store, open, read. */
const firstRender = async (s: Session, imageId: string, height: number) => {
  const tier = await s.app.deps.tiers.findByName('Premium')()
  if (E.isLeft(tier) || O.isNone(tier.right)) throw new Error('no Premium tier')
  const t0 = performance.now()
  const got = await s.app.api.getThumbnail({ ownerId: s.ownerId, tier: tier.right.value, imageId, height: String(height) })()
  if (E.isLeft(got) || got.right._tag !== 'Bytes') throw new Error(`render failed: ${JSON.stringify(E.isLeft(got) ? got.left : got.right._tag)}`)
  for await (const chunk of got.right.body) void chunk
  return performance.now() - t0
}

/** Samples RSS while `task` runs; the peak in MB. */
const peakRss = async (task: () => Promise<unknown>): Promise<number> => {
  let peak = process.memoryUsage.rss()
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()) }, 5)
  try {
    await task()
  } finally {
    clearInterval(timer)
  }
  return Math.max(peak, process.memoryUsage.rss()) / MB
}

export async function renderRows(opts: RenderBenchOptions = {}): Promise<BenchRow[]> {
  // The server runs in this process: tuned as main.ts tunes the server's.
  tuneHeapForServing()
  const log = opts.log ?? (() => undefined)
  const firstRenders = opts.firstRenders ?? 12
  // Enough of each that one slow slice of a shared machine does not decide the row.
  const uploads = opts.uploads ?? 96
  const pairs = 16
  const rounds = 7
  const big = opts.uploadOnly ? undefined : bigJpegFromChild()
  const photo = await makeGrainyJpeg({ width: 1920, height: 1080 })
  const dataDir = mkdtempSync(path.join(tmpdir(), 'imgtier-bench-render-'))
  const s = await start(opts.databaseUrl, dataDir)
  try {
    log(`render bench: database ${s.app.database.kind}, photo ${(photo.length / 1024).toFixed(0)} KB, big ${big ? `${(big.length / MB).toFixed(1)} MB` : 'not made'}, sharp concurrency ${sharp.concurrency()}`)
    const rows: BenchRow[] = []

    // Uploads (the images they make feed the render rows).
    await throughput(4, 4, () => bareValidate(photo))
    const ids: string[] = []
    await throughput(4, 4, async () => ids.push(await upload(s, photo)))
    const [bareRun, httpRun] = await alternating(uploads, 4, 4, () => bareValidate(photo), async () => ids.push(await upload(s, photo)))
    // On a shared machine the ratio comes down to CPU per operation; say what it was.
    const cpuNote = `CPU per upload ${httpRun.cpuMsPerOp.toFixed(1)} ms (server and client, this process) vs ${bareRun.cpuMsPerOp.toFixed(1)} per bare validation`
    log(`upload: ${cpuNote}`)
    const [httpUploads, bareUploads] = [httpRun.perSecond, bareRun.perSecond]
    rows.push(row('upload 1920×1080 JPEG, 4 in flight', 'uploads/s', httpUploads, { name: 'bare validation', value: bareUploads }, '≥ 0.5', cpuNote))
    if (opts.uploadOnly) {
      for (const r of rows) log(formatRow(r))
      return rows
    }

    // First render, alternating with bare sharp so both see the same machine load.
    const fresh = () => {
      const id = ids.shift()
      if (id === undefined) throw new Error('ran out of uploaded images')
      return id
    }
    await bareRender(photo)
    await firstRender(s, fresh(), 200)
    const bare: number[] = []
    const ours: number[] = []
    // CPU time of this process (every thread: libvips, libuv's pool, the event loop) beside
    // the wall time: the work a render costs, which other load on the machine does not inflate.
    const cpu = { ours: 0, bare: 0 }
    const cpuMs = async <A>(side: 'ours' | 'bare', task: () => Promise<A>): Promise<A> => {
      const before = process.cpuUsage()
      const a = await task()
      const used = process.cpuUsage(before)
      cpu[side] += (used.user + used.system) / 1000
      return a
    }
    for (let i = 0; i < firstRenders; i++) {
      bare.push(await cpuMs('bare', () => timed(() => bareRender(photo))))
      ours.push(await cpuMs('ours', () => firstRender(s, fresh(), 200)))
    }
    log(`first render samples (ms): ours ${ours.map((x) => x.toFixed(0)).join(' ')}; bare ${bare.map((x) => x.toFixed(0)).join(' ')}`)
    log(`first render CPU time per render (all threads): ours ${(cpu.ours / firstRenders).toFixed(1)} ms, bare sharp ${(cpu.bare / firstRenders).toFixed(1)} ms: ${(cpu.ours / cpu.bare).toFixed(2)}×`)
    rows.push(row('first render 1920×1080 JPEG → 200 px (p50)', 'ms', median(ours), { name: 'bare sharp, same bytes', value: median(bare) }, '≤ 1.5'))

    // One render in flight, then two, each on fresh images, alternating over rounds (a round
    // lasts a fraction of a second: one round alone is at the mercy of the machine's load).
    // Bare sharp in the same rounds says how far this machine lets two renders scale right now.
    while (ids.length < 2 * pairs * rounds) ids.push(await upload(s, photo))
    const [ones, twos, bareOnes, bareTwos]: number[][] = [[], [], [], []]
    for (let r = 0; r < rounds; r++) {
      const batch = ids.splice(0, 2 * pairs)
      ones.push(await throughput(pairs, 1, (i) => firstRender(s, batch[i] ?? '', 200)))
      twos.push(await throughput(pairs, 2, (i) => firstRender(s, batch[pairs + i] ?? '', 200)))
      bareOnes.push(await throughput(pairs, 1, () => bareRender(photo)))
      bareTwos.push(await throughput(pairs, 2, () => bareRender(photo)))
    }
    // Bare sharp's own ratio is this machine's ceiling for any path whose render is sharp's.
    const ceiling = `bare sharp, same rounds: ${(median(bareTwos) / median(bareOnes)).toFixed(2)} (${median(bareTwos).toFixed(0)} vs ${median(bareOnes).toFixed(0)} renders/s)`
    log(`2 in flight vs 1, medians of ${rounds} rounds: ours ${(median(twos) / median(ones)).toFixed(2)}; ${ceiling}`)
    rows.push(row('first renders, 2 in flight vs 1', 'renders/s', median(twos), { name: '1 in flight', value: median(ones) }, '≥ 1.6', ceiling))

    // Memory, in a process of its own: this one has held the whole run (and its client).
    const rss = rssOfBigRenders(big ?? bigJpegFromChild(), opts.databaseUrl)
    log(`RSS of a fresh instance: ${rss.before.toFixed(0)} MB before the 6000×4000 renders, ${rss.peak.toFixed(0)} MB at their peak`)
    rows.push(row('peak RSS, 6000×4000 renders 2 in flight', 'MB', rss.peak, { name: 'target', value: 300 }, '≤ 1'))

    for (const r of rows) log(formatRow(r))
    return rows
  } finally {
    await s.app.close()
    agent.destroy()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/**
 * A fresh instance (own process, same database kind) stores three 6000×4000 originals,
 * then renders 200 and 400 px of each, two at a time, while its RSS is sampled.
 */
const rssOfBigRenders = (big: Buffer, databaseUrl: string | undefined): { before: number; peak: number } => {
  const dir = mkdtempSync(path.join(tmpdir(), 'imgtier-bench-rss-'))
  try {
    const input = path.join(dir, 'big.jpg')
    writeFileSync(input, big)
    // As `npm start` and the Docker image start the server (package.json, Dockerfile: glibc's arenas).
    const env = { MALLOC_ARENA_MAX: '2', ...process.env, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) }
    if (!databaseUrl) delete env.DATABASE_URL
    const out = execFileSync(process.execPath, ['-r', '@swc-node/register', __filename, '--rss-child', input], { env, cwd: path.join(__dirname, '..') })
    const r = JSON.parse(out.toString().trim().split('\n').pop() ?? '{}') as { before?: unknown; peak?: unknown }
    if (typeof r.before !== 'number' || typeof r.peak !== 'number') throw new Error(`rss child said: ${out.toString()}`)
    return { before: r.before, peak: r.peak }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const rssChild = async (input: string): Promise<void> => {
  tuneHeapForServing()
  const big = readFileSync(input)
  const dataDir = mkdtempSync(path.join(tmpdir(), 'imgtier-bench-rss-data-'))
  const s = await start(process.env.DATABASE_URL, dataDir)
  try {
    const bigIds = [await upload(s, big), await upload(s, big), await upload(s, big)]
    const jobs = bigIds.flatMap((id) => [200, 400].map((h) => () => firstRender(s, id, h)))
    const before = process.memoryUsage.rss() / MB
    const peak = await peakRss(() => throughput(jobs.length, 2, (i) => jobs[i]?.() ?? Promise.resolve()))
    console.log(JSON.stringify({ before, peak }))
  } finally {
    await s.app.close()
    agent.destroy()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

export const formatRow = (r: BenchRow): string =>
  `${r.name.padEnd(44)} ${r.value.toFixed(1).padStart(8)} ${r.unit.padEnd(10)} vs ${r.baseline.name} ${r.baseline.value.toFixed(1)}: ` +
  `${r.ratio.toFixed(2)} (target ${r.target}) ${r.met ? 'met' : 'MISSED'}${r.note ? `; ${r.note}` : ''}`

if (require.main === module && process.argv[2] === '--rss-child') {
  rssChild(process.argv[3] ?? '').catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
} else if (require.main === module) {
  const uploadOnly = process.argv.includes('--upload-only')
  const uploads = Number(process.argv.find((a) => a.startsWith('--uploads='))?.slice('--uploads='.length)) || undefined
  renderRows({ databaseUrl: process.env.DATABASE_URL, uploadOnly, uploads, log: (line) => console.log(line) }).catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
}
