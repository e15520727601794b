/**
 * The memory floor of the embedded default: what a bare PGlite costs a process, each
 * case in a fresh process of its own (RSS is a high-water mark; WASM memory never
 * shrinks). Run on purpose:  node -r @swc-node/register bench/pglite-floor.ts
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'

// What a reopen costs with a smaller buffer pool than PGlite's 128MB default.
const PGLITE_SHARED_BUFFERS = '16MB'

const status = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN) / 1024

/** One case, run in this (child) process: prints its RSS and peak RSS in MB. */
const measure = async (mode: string, dir: string) => {
  if (mode !== 'node') {
    const startParams = mode === 'reopen-small' ? [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`] : undefined
    const db = new PGlite(dir, startParams ? { startParams } : {})
    await db.waitReady
    await db.query('SELECT count(*) FROM pg_class')
    await db.close()
  }
  console.log(JSON.stringify({ rss: status('VmRSS'), peak: status('VmHWM') }))
}

const CASES: [string, string][] = [
  ['node', 'node + @swc-node/register, nothing opened'],
  ['fresh', 'new PGlite on an empty directory (initdb)'],
  ['reopen', 'PGlite reopening that directory, default shared_buffers (128MB)'],
  ['reopen-small', `PGlite reopening it, shared_buffers ${PGLITE_SHARED_BUFFERS} `],
]

if (process.argv[2] !== undefined) {
  measure(process.argv[2], process.argv[3] ?? '').catch((err: unknown) => { console.error(err); process.exit(1) })
} else {
  const dir = mkdtempSync(path.join(tmpdir(), 'imgtier-pglite-floor-'))
  try {
    for (const [mode, what] of CASES) {
      const out = execFileSync(process.execPath, ['-r', '@swc-node/register', __filename, mode, dir], { encoding: 'utf8' })
      const m: { rss: number; peak: number } = JSON.parse(out.trim().split('\n').pop() ?? '{}')
      console.log(`${what.padEnd(74)} peak ${m.peak.toFixed(0).padStart(4)} MB`)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
