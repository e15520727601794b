/**
 * `npm run bench`: every row of issue 8's table, imgtier against its baselines measured
 * in the same run, same machine, same load (autocannon, 10 connections, in a process of
 * its own). Starts what it needs: a fresh `bench_<random>` database on Postgres
 * (DATABASE_URL, or a server answering on 127.0.0.1:5432; dropped at the end), else
 * PGlite; imgtier itself through the target's `npm start` command in a child process
 * (rate limits and access log off); bench/baselines.ts for bare Koa and Koa + pg.
 * Prints one table, writes bench/results.json and the figures block of BENCHMARKS.md.
 * `--help` lists the options (`--quick`, `--rows`, `--target DIR` for another checkout).
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { makeGrainyJpeg } from '../test/support/images'
import type { BaselineSettings } from './harness/fixtures'
import type { LoadResult, LoadSpec } from './harness/load'
import { HOT_ROWS, measured, type HotRow, type Measured } from './harness/hot-rows'
import { parseOptions, type Options } from './harness/options'
import { benchDatabase, type BenchDatabase } from './harness/postgres'
import { freePort, imgtierEnv, rssSampler, startBaselines, startImgtier, type Running } from './harness/processes'
import { commitOf, machine, printTable, ratio, readResults, recordInMarkdown, type Figure, type ResultRow, type Results } from './harness/report'
import { countOf, login, nextOf, seedHotPaths, seedOwnerWith, upload, type Scenario, type Session } from './harness/seed'
import { median } from './harness/yardsticks'

const MB = 1024 * 1024
const log = (line: string) => process.stderr.write(`${line}\n`)

const figure = (name: string, runs: readonly Measured[]): Figure => {
  const r = medianRun(runs)
  const cpu = runs.flatMap((x) => (x.cpuUsPerRequest === undefined ? [] : [x.cpuUsPerRequest]))
  return { name, value: r.requestsPerSecond, p50Ms: r.p50Ms, p99Ms: r.p99Ms, ...(cpu.length > 0 ? { cpuUsPerRequest: median(cpu) } : {}) }
}

/** The round whose req/s is the median: its latencies go with it. */
const medianRun = <R extends LoadResult>(runs: readonly R[]): R => {
  const sorted = [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)
  const mid = sorted[Math.floor(sorted.length / 2)]
  if (mid === undefined) throw new Error('no load runs')
  return mid
}

/**
 * imgtier and its baselines alternate `o.rounds` times; each ratio is the median of the
 * rounds' ratios (each round's sides ran seconds apart, on the same machine state), each
 * req/s the median of its rounds. One long run per side moved by ±30 % between runs here.
 */
const hotRow = async (o: Options, row: HotRow, s: Scenario, base: string, servers: { readonly imgtier: number; readonly baselines: number; readonly ports: Record<string, number> }): Promise<ResultRow> => {
  const { ports } = servers
  const spec = (url: string, auth: Record<string, string>): LoadSpec => ({
    url, method: row.method ?? 'GET', headers: { ...auth, ...row.headers?.(s) }, body: row.body,
    connections: o.connections, seconds: o.seconds, warmupSeconds: o.warmupSeconds, expectStatus: row.expect,
  })
  const auth = row.auth ? s.owner.auth : {}
  const against = row.against.flatMap(([name, server, target]) => {
    const port = ports[server]
    return port === undefined ? [] : [{ name, target, spec: spec(`http://127.0.0.1:${port}${row.path(s)}`, server === 'naive' ? s.owner.auth : {}) }]
  })
  const missing = row.against.filter(([, server]) => ports[server] === undefined).map(([name]) => `${name}: needs Postgres`)
  const ourRuns: Measured[] = []
  const theirRuns = against.map((): Measured[] => [])
  for (let round = 0; round < o.rounds; round++) {
    ourRuns.push(await measured(spec(`${base}${row.path(s)}`, auth), servers.imgtier))
    for (const [i, b] of against.entries()) theirRuns[i]?.push(await measured(b.spec, servers.baselines))
  }
  const unexpected = (runs: readonly LoadResult[]) => runs.reduce((n, r) => n + r.unexpected, 0)
  const notes: string[] = unexpected(ourRuns) > 0 ? [`imgtier: ${unexpected(ourRuns)} unexpected answers`] : []
  const baselines: Figure[] = []
  const ratios = []
  for (const [i, b] of against.entries()) {
    const theirs = theirRuns[i] ?? []
    if (unexpected(theirs) > 0) notes.push(`${b.name}: ${unexpected(theirs)} unexpected answers`)
    baselines.push(figure(b.name, theirs))
    const perRound = ourRuns.map((ours, k) => ours.requestsPerSecond / (theirs[k]?.requestsPerSecond ?? NaN))
    const r = ratio(b.name, median(perRound), 1, b.target)
    ratios.push(o.rounds > 1 ? { ...r, rounds: perRound } : r)
  }
  log(`  ${row.name}: ${medianRun(ourRuns).requestsPerSecond.toFixed(0)} req/s${ratios.map((r) => `, ${r.ratio.toFixed(2)} of ${r.against}${r.rounds ? ` (rounds ${r.rounds.map((x) => x.toFixed(2)).join(' ')})` : ''}`).join('')}`)
  const note = [...notes, ...missing].join('; ')
  return { key: row.key, name: row.name, unit: 'req/s', imgtier: figure('imgtier', ourRuns), baselines, ratios, ...(note ? { note } : {}) }
}

/** One request's time, from sending to the last byte of the body. */
const timeOnce = async (url: string, s: Session): Promise<number> => {
  const t0 = performance.now()
  const r = await fetch(url, { headers: s.auth })
  await r.arrayBuffer()
  if (r.status !== 200) throw new Error(`${url}: ${r.status}`)
  return performance.now() - t0
}

/**
 * p50 of sequential requests to each target (a latency, not a throughput: one at a time),
 * the targets taken in turn, so that whatever else the machine does falls on all alike.
 */
const latencyP50s = async (targets: readonly { url: string; s: Session }[], times: number, warmup = 3): Promise<number[]> => {
  const ms = targets.map((): number[] => [])
  for (let i = 0; i < times + warmup; i++) {
    for (const [k, t] of targets.entries()) {
      const took = await timeOnce(t.url, t.s)
      if (i >= warmup) ms[k]?.push(took)
    }
  }
  return ms.map(median)
}

/** A cursor page `pages` pages of 20 in, reached 100 rows at a time. */
const deepCursor = async (base: string, s: Session, rowsIn: number): Promise<string> => {
  let url = `${base}/images?cursor=&limit=100`
  for (let walked = 0; walked < rowsIn; walked += 100) {
    const next = await nextOf(url, s)
    if (next === undefined) throw new Error(`no next page after ${walked} rows`)
    url = next
  }
  const twenty = url.replace(/([?&])limit=100\b/, '$1limit=20')
  const r = await fetch(twenty, { headers: s.auth })
  return r.status === 200 ? twenty : url // a cursor that binds its limit stays at 100 rows
}

const scaleRows = async (o: Options, base: string, admin: Session, db: BenchDatabase): Promise<ResultRow[]> => {
  const [small, large] = o.scale as [number, number]
  // Both owners first, then their pages timed in turn: the large owner's seeding (and
  // what Postgres does after it) never falls on the small owner's timings alone.
  const seeded = []
  for (const n of [small, large]) {
    const t0 = performance.now()
    const owner = await seedOwnerWith(base, admin, db.url, n)
    log(`  seeded ${n} images for one owner in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    const first = `${base}/images?limit=20`
    const rowsIn = Math.min(2000, Math.floor(n / 2 / 100) * 100) // 100 pages of 20, or halfway for a small owner
    seeded.push({ n, owner, first, count: await countOf(first, owner), rowsIn, cursor: await deepCursor(base, owner, rowsIn) })
  }
  const [firsts, cursors] = [
    await latencyP50s(seeded.map((m) => ({ url: m.first, s: m.owner })), 20),
    await latencyP50s(seeded.map((m) => ({ url: m.cursor, s: m.owner })), 20),
  ]
  const measured = seeded.map((m, i) => ({ n: m.n, count: m.count, rowsIn: m.rowsIn, first: firsts[i] ?? NaN, cursor: cursors[i] ?? NaN }))
  const [s, l] = measured as [(typeof measured)[0], (typeof measured)[0]]
  const exact = measured.every((m) => m.count === m.n)
  const counts = `count ${exact ? 'exact' : 'WRONG'} (${measured.map((m) => `${m.count} for ${m.n}`).join(', ')})`
  const row = (key: string, name: string, a: number, b: number, note: string): ResultRow => ({
    key, name, unit: 'ms', imgtier: { name: `${l.n} images`, value: a }, baselines: [{ name: `owner with ${s.n}`, value: b }],
    ratios: [ratio(`owner with ${s.n}`, a, b, '≤ 1.5')], note,
  })
  return [
    row('scale-first', `first page, owner with ${l.n} images (p50 ms)`, l.first, s.first, counts),
    row('scale-cursor', `cursor page ${l.rowsIn / 20} pages in, owner with ${l.n} (p50 ms)`, l.cursor, s.cursor, `small owner: ${s.rowsIn / 20} pages in; ${counts}`),
  ]
}

/** bench/render.ts of the target, in a child process; absent there: said, not invented. */
const renderRows = async (o: Options, databaseUrl: string | undefined): Promise<ResultRow[]> => {
  const names = ['first render 1920×1080 JPEG → 200 px', 'first renders, 2 in flight vs 1', 'upload 1920×1080 JPEG, 4 in flight', 'peak RSS, 6000×4000 renders 2 in flight']
  const absent = (why: string) => names.map((name, i): ResultRow => ({ key: `render-${i}`, name, unit: '', baselines: [], ratios: [], notMeasured: why }))
  if (!existsSync(path.join(o.target, 'bench', 'render.ts'))) return absent('bench/render.ts is not in that tree')
  const child = execFile(process.execPath, ['-r', '@swc-node/register', path.join(__dirname, 'harness', 'render-worker.ts'), o.target], {
    cwd: o.target, env: { ...process.env, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) }, maxBuffer: 1 << 22,
  })
  child.stderr?.pipe(process.stderr) // its progress lines
  let stdout = ''
  child.stdout?.on('data', (b: Buffer) => { stdout += b.toString() })
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve)) // after stdout ends
  if (code !== 0) throw new Error(`bench/render.ts exited with ${code}`)
  const rows: unknown = JSON.parse(stdout.trim().split('\n').pop() ?? '[]')
  if (!Array.isArray(rows)) throw new Error('render rows: no JSON array')
  return rows.map((r, i): ResultRow => ({
    key: `render-${i}`, name: String(r.name), unit: String(r.unit),
    imgtier: { name: 'imgtier', value: Number(r.value) },
    baselines: [{ name: String(r.baseline.name), value: Number(r.baseline.value) }],
    ratios: [{ against: String(r.baseline.name), ratio: Number(r.ratio), target: String(r.target), met: Boolean(r.met) }],
    ...(typeof r.note === 'string' ? { note: r.note } : {}),
  }))
}

/**
 * The issue's memory target counts 6000×4000 renders two at a time in the server itself:
 * three such originals uploaded over HTTP, then their 200 and 400 px thumbnails asked for
 * two at a time (each a first render).
 */
const bigRenders = async (base: string, owner: Session, big: Buffer): Promise<void> => {
  const ids: string[] = []
  for (let i = 0; i < 3; i++) ids.push(await upload(base, owner, big, `big ${i}`))
  const paths = ids.flatMap((id) => [200, 400].map((h) => `/images/${id}/thumbnails/${h}`))
  const lane = async () => {
    for (let p = paths.shift(); p !== undefined; p = paths.shift()) {
      const r = await fetch(`${base}${p}`, { headers: owner.auth })
      await r.arrayBuffer()
      if (r.status !== 200) throw new Error(`${p}: ${r.status}`)
    }
  }
  await Promise.all([lane(), lane()])
}

const main = async () => {
  const o = parseOptions(process.argv.slice(2), process.env)
  const db = o.database === 'pglite' ? undefined : await benchDatabase(process.env)
  const renderDb = db && o.rows.has('render') ? await benchDatabase(process.env) : undefined
  const dataDir = mkdtempSync(path.join(tmpdir(), 'imgtier-bench-'))
  const running: Running[] = []
  const cleanup = async () => {
    for (const r of running.reverse()) await r.stop().catch(() => undefined)
    await db?.drop().catch((e: unknown) => log(`could not drop the bench database: ${String(e)}`))
    await renderDb?.drop().catch((e: unknown) => log(`could not drop the render bench database: ${String(e)}`))
    rmSync(dataDir, { recursive: true, force: true })
  }
  process.once('SIGINT', () => { cleanup().finally(() => process.exit(130)) })
  try {
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    const secret = randomBytes(32).toString('hex')
    const adminPassword = randomBytes(12).toString('base64url')
    const env = imgtierEnv({ target: o.target, port, dataDir, jwtSecret: secret, adminPassword, databaseUrl: db?.url })
    log(`bench: ${o.target} (${commitOf(o.target)}) on ${db?.server ?? 'embedded PGlite'}`)
    const rows: ResultRow[] = []
    const memory: { name: string; mb: number }[] = []

    let t0 = performance.now()
    let server = await startImgtier(o.target, env, base)
    running.push(server)
    memory.push({ name: `first start (${db ? 'Postgres' : 'fresh PGlite directory'}), ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`, mb: (rssSampler(server.pid).now()) / MB })
    if (!db) {
      // The embedded default's second life: the data directory exists, the server only reopens it.
      await server.stop()
      running.pop()
      t0 = performance.now()
      server = await startImgtier(o.target, env, base)
      running.push(server)
      memory.push({ name: `restart on the existing PGlite directory, ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`, mb: rssSampler(server.pid).now() / MB })
    }
    const rss = rssSampler(server.pid)

    const admin = await login(base, 'admin', adminPassword)
    const scenario = await seedHotPaths(base, admin, await makeGrainyJpeg({ width: 1920, height: 1080 }))
    const fixturesFile = path.join(dataDir, 'fixtures.json')
    writeFileSync(fixturesFile, JSON.stringify(scenario.fixtures))
    const settings: BaselineSettings = { fixturesFile, databaseUrl: db?.url, jwtSecret: secret, ownerId: scenario.owner.userId, publicUrl: base }
    const baselines = await startBaselines(settings)
    running.push(baselines)

    log(`hot paths: ${o.rounds} alternating round(s) of ${o.seconds} s per side after ${o.warmupSeconds} s of warm-up, ${o.connections} connections`)
    for (const row of HOT_ROWS) if (o.rows.has(row.key)) rows.push(await hotRow(o, row, scenario, base, { imgtier: server.pid, baselines: baselines.pid, ports: baselines.ports }))
    await sleep(2_000)
    const steady = rss.now() / MB
    const hotPeak = rss.phase() / MB

    if (o.rows.has('scale')) {
      log('scale rows')
      if (db) rows.push(...await scaleRows(o, base, admin, db))
      else rows.push({ key: 'scale', name: 'first and cursor pages, 1 000 vs 1 000 000 images', unit: 'ms', baselines: [], ratios: [], notMeasured: 'needs Postgres (rows are inserted beside the running server)' })
    }
    if (o.rows.has('memory')) {
      log('6000×4000 renders, two at a time, in the server')
      await bigRenders(base, scenario.owner, await makeGrainyJpeg({ width: 6000, height: 4000, grain: 10 }))
    }
    const peak = rss.peak() / MB
    rss.stop()
    const whole = `peak through the whole run (scale rows${o.rows.has('memory') ? ', 6000×4000 renders 2 at a time' : ''} included)`
    memory.push({ name: 'peak through the hot-path rows', mb: hotPeak }, { name: 'steady, 2 s after the hot-path rows', mb: steady }, { name: whole, mb: peak })
    if (o.rows.has('memory')) {
      for (const [i, m] of memory.entries()) {
        const limit = db && i === memory.length - 1
        rows.push({
          key: `memory-${i}`, name: `imgtier RSS: ${m.name}`, unit: 'MB', imgtier: { name: 'imgtier', value: m.mb },
          baselines: limit ? [{ name: 'target', value: 300 }] : [], ratios: limit ? [ratio('300 MB', m.mb, 300, '≤ 1')] : [],
        })
      }
    }
    for (const r of running.reverse()) await r.stop()
    running.length = 0

    if (o.rows.has('render')) {
      log('render and upload rows (bench/render.ts)')
      rows.push(...await renderRows(o, renderDb?.url))
    }

    const results: Results = {
      when: new Date().toISOString(),
      target: { dir: o.target, commit: commitOf(o.target) },
      machine: machine(),
      database: db?.server ?? 'embedded PGlite (no Postgres found)',
      load: `autocannon, ${o.connections} connections, ${o.rounds} alternating round(s) of ${o.seconds} s per side after ${o.warmupSeconds} s of warm-up (median ratio of the rounds), from its own process`,
      rows,
    }
    printTable(results)
    writeFileSync(o.out, `${JSON.stringify(results, null, 2)}\n`)
    // BENCHMARKS.md shows the latest run of this tree beside the recorded run of the original main.
    const [afterFile, beforeFile] = [path.join(__dirname, 'results.json'), path.join(__dirname, 'results-baseline.json')]
    const after = readResults(afterFile)
    const record = [afterFile, beforeFile].includes(o.out) && after !== undefined
    if (record) recordInMarkdown(o.markdown, after, readResults(beforeFile))
    log(`\nwrote ${o.out}${record ? ` and the figures in ${o.markdown}` : ''}`)
  } finally {
    await cleanup()
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
