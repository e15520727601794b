/**
 * Before and after, on the server's own work: two (or more) checkouts' servers side by side,
 * each on a fresh Postgres database, the same seed, the same hot rows (harness/hot-rows.ts),
 * alternating run by run; prints each server's CPU time per request (all its threads, from
 * /proc) and req/s. CPU per request is the figure that survives a shared machine: req/s is
 * a share of the cores split with the load generator and whatever else runs.
 *   node -r @swc-node/register bench/ab.ts /work/before /work/main [--rows thumbnail-304,me] [--rounds 4] [--seconds 3]
 * Each target is a checkout with its dependencies installed; its `npm start` builds it.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { makeGrainyJpeg } from '../test/support/images'
import { HOT_ROWS, measured, type Measured } from './harness/hot-rows'
import { benchDatabase, type BenchDatabase } from './harness/postgres'
import { freePort, imgtierEnv, startImgtier, type Running } from './harness/processes'
import { login, seedHotPaths, type Scenario } from './harness/seed'
import { median } from './harness/yardsticks'

interface Side { readonly target: string; readonly server: Running; readonly base: string; scenario?: Scenario; readonly db: BenchDatabase; readonly dataDir: string }

const option = (args: string[], name: string, fallback: string): string => {
  const at = args.indexOf(name)
  if (at === -1) return fallback
  const [value] = args.splice(at, 2).slice(1)
  return value ?? fallback
}

const main = async () => {
  const args = process.argv.slice(2)
  const rows = option(args, '--rows', 'me,thumbnail-304,link-post').split(',')
  const rounds = Number(option(args, '--rounds', '4'))
  const seconds = Number(option(args, '--seconds', '3'))
  const targets = args.map((t) => path.resolve(t))
  const unknown = rows.filter((key) => !HOT_ROWS.some((r) => r.key === key))
  if (targets.length === 0 || unknown.length > 0) {
    throw new Error(`usage: bench/ab.ts DIR [DIR…] [--rows ${HOT_ROWS.map((r) => r.key).join(',')}] [--rounds N] [--seconds N]${unknown.length > 0 ? `; unknown rows: ${unknown.join(', ')}` : ''}`)
  }
  const jpeg = await makeGrainyJpeg({ width: 1920, height: 1080 })
  const sides: Side[] = []
  try {
    for (const target of targets) {
      const db = await benchDatabase(process.env)
      if (db === undefined) throw new Error('bench/ab.ts needs Postgres (DATABASE_URL, or a server on 127.0.0.1:5432)')
      const port = await freePort()
      const base = `http://127.0.0.1:${port}`
      const adminPassword = randomBytes(12).toString('base64url')
      const dataDir = mkdtempSync(path.join(tmpdir(), 'imgtier-ab-'))
      const server = await startImgtier(target, imgtierEnv({ target, port, dataDir, jwtSecret: randomBytes(32).toString('hex'), adminPassword, databaseUrl: db.url }), base)
        .catch(async (err: unknown) => {
          await db.drop()
          throw err
        })
      const side = { target, server, base, db, dataDir, scenario: undefined as Scenario | undefined }
      sides.push(side)
      side.scenario = await seedHotPaths(base, await login(base, 'admin', adminPassword), jpeg)
    }
    const runs = new Map<string, Measured[]>()
    // Round 0 is a warm-up (the JIT, the caches): run, not counted.
    for (let round = 0; round <= rounds; round++) {
      for (const key of rows) {
        const row = HOT_ROWS.find((r) => r.key === key)
        if (row === undefined) continue
        for (const side of sides) {
          const s = side.scenario
          if (s === undefined) continue
          const r = await measured({
            url: `${side.base}${row.path(s)}`, method: row.method ?? 'GET', headers: { ...(row.auth ? s.owner.auth : {}), ...row.headers?.(s) }, body: row.body,
            connections: 10, seconds: round === 0 ? 2 : seconds, warmupSeconds: 0, expectStatus: row.expect,
          }, side.server.pid)
          if (r.unexpected > 0) process.stderr.write(`${side.target} ${key}: ${r.unexpected} unexpected answers\n`)
          if (round > 0) runs.set(`${key} ${side.target}`, [...(runs.get(`${key} ${side.target}`) ?? []), r])
        }
      }
    }
    console.log(`${rounds} alternating rounds of ${seconds} s per server and row, 10 connections; medians, each round in brackets`)
    for (const key of rows) {
      for (const side of sides) {
        const r = runs.get(`${key} ${side.target}`) ?? []
        const cpu = r.map((x) => x.cpuUsPerRequest ?? NaN)
        const rps = r.map((x) => x.requestsPerSecond)
        console.log(`${key.padEnd(15)} ${side.target.padEnd(28)} ${median(cpu).toFixed(1).padStart(7)} µs CPU/req [${cpu.map((x) => x.toFixed(0)).join(' ')}]  ${median(rps).toFixed(0).padStart(6)} req/s [${rps.map((x) => x.toFixed(0)).join(' ')}]`)
      }
    }
  } finally {
    for (const side of sides) {
      await side.server.stop()
      await side.db.drop()
      rmSync(side.dataDir, { recursive: true, force: true })
    }
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
