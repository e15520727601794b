/**
 * HTTP throughput and latency of the hot read paths, on the embedded defaults
 * (PGlite + filesystem, in-process sharp), rate limits off. Run on purpose:
 *   node -r @swc-node/register bench/http.ts [seconds=5] [concurrency=16]
 * With DATABASE_URL set, the same on that Postgres (an empty database: it is migrated).
 * Client and server share this process and the machine's cores: the figures are a
 * floor for one instance, not a capacity plan. With `--wrk` (Debian's wrk installed)
 * the load comes from wrk in its own process instead, which measures the server, not
 * Node's fetch client.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import pino from 'pino'
import sharp from 'sharp'
import { loadConfig } from '../bootstrap/config'
import { createImgtier } from '../bootstrap/imgtier'

/** Decodes a JSON response or stops the bench with what was wrong. */
const decode = async <A>(codec: t.Decoder<unknown, A>, res: Promise<Response>): Promise<A> => {
  const body: unknown = await (await res).json()
  const r = codec.decode(body)
  if (E.isLeft(r)) throw new Error(`unexpected response: ${JSON.stringify(body)}`)
  return r.right
}
const Login = t.type({ accessToken: t.string })
const Created = t.type({ id: t.string })
const Link = t.type({ url: t.string })

const args = process.argv.slice(2).filter((a) => a !== '--wrk')
const useWrk = process.argv.includes('--wrk')
const seconds = Number(args[0] ?? 5)
const concurrency = Number(args[1] ?? 16)

/** wrk's own summary: requests per second and latency percentiles. Async: the server shares this event loop. */
const measureWithWrk = async (name: string, url: string, headers: Record<string, string>) => {
  const headerArgs = Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`])
  const { stdout: out } = await promisify(execFile)('wrk', ['-t2', `-c${concurrency}`, `-d${seconds}s`, '--latency', ...headerArgs, url])
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? '?'
  const pct = (p: string) => new RegExp(`\\s${p}%\\s+([\\d.]+\\w+)`).exec(out)?.[1] ?? '?'
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? '0'
  console.log(`${name.padEnd(34)} ${Number(rps).toFixed(0).padStart(6)} req/s   p50 ${pct('50')}   p99 ${pct('99')}   errors ${non2xx}`)
}

const measure = async (name: string, url: string, headers: Record<string, string>) => {
  if (useWrk) return measureWithWrk(name, url, headers)
  const latencies: number[] = []
  let errors = 0
  const end = Date.now() + seconds * 1000
  const worker = async () => {
    while (Date.now() < end) {
      const t0 = performance.now()
      const res = await fetch(url, { headers })
      await res.arrayBuffer()
      if (res.status >= 400) errors++
      latencies.push(performance.now() - t0)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  latencies.sort((a, b) => a - b)
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]?.toFixed(2)
  console.log(`${name.padEnd(34)} ${(latencies.length / seconds).toFixed(0).padStart(6)} req/s   p50 ${q(0.5)} ms   p99 ${q(0.99)} ms   errors ${errors}`)
}

const main = async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'imgtier-bench-'))
  const port = 18000 + Math.floor(Math.random() * 1000)
  const config = loadConfig({
    PORT: String(port), HOST: '127.0.0.1', IMGTIER_DATA_DIR: dataDir, IMGTIER_RATE_LIMITS: 'off',
    IMGTIER_ADMIN_USERNAME: 'admin', IMGTIER_ADMIN_PASSWORD: 'bench-password', LOG_LEVEL: 'silent',
    IMGTIER_JWT_SECRET: randomBytes(32).toString('hex'), IMGTIER_LINK_KEYS: `b1:${randomBytes(32).toString('hex')}`,
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  })
  if (E.isLeft(config)) throw new Error(config.left.join('\n'))
  const app = await createImgtier(config.right, { logger: pino({ level: 'silent' }) })
  await app.listen()
  const base = `http://127.0.0.1:${port}`
  try {
    const login = await decode(Login, fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'bench-password' }) }))
    const auth = { authorization: `Bearer ${login.accessToken}` }
    const jpeg = await sharp({ create: { width: 1920, height: 1080, channels: 3, background: '#3a6' } }).jpeg().toBuffer()
    const form = new FormData()
    form.append('image', new Blob([jpeg]), 'bench.jpg')
    const image = await decode(Created, fetch(`${base}/images`, { method: 'POST', headers: auth, body: form }))
    for (let i = 0; i < 40; i++) {
      const f = new FormData()
      f.append('image', new Blob([jpeg]), `more${i}.jpg`)
      await fetch(`${base}/images`, { method: 'POST', headers: auth, body: f })
    }
    await fetch(`${base}/images/${image.id}/thumbnails/200`, { headers: auth })
    const link = await decode(Link, fetch(`${base}/images/${image.id}/thumbnails/200/expiring-links`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ expiresIn: 3600 }) }))
    const etag = (await fetch(`${base}/images/${image.id}/thumbnails/400`, { headers: auth })).headers.get('etag') ?? ''

    console.log(`imgtier HTTP bench: ${seconds} s per route, ${concurrency} concurrent clients (${useWrk ? 'wrk' : 'in-process fetch'}), node ${process.version}, database ${app.database.kind}`)
    await measure('GET /healthz', `${base}/healthz`, {})
    await measure('GET /me', `${base}/me`, auth)
    await measure('GET /images?limit=20', `${base}/images?limit=20`, auth)
    await measure('GET thumbnail (cached, 200 px)', `${base}/images/${image.id}/thumbnails/200`, auth)
    await measure('GET thumbnail (304 If-None-Match)', `${base}/images/${image.id}/thumbnails/400`, { ...auth, 'if-none-match': etag })
    await measure('GET /links/:token (cached thumb)', link.url, {})
    const t0 = performance.now()
    for (let h = 0; h < 5; h++) {
      const f = new FormData()
      f.append('image', new Blob([jpeg]), 'fresh.jpg')
      const fresh = await decode(Created, fetch(`${base}/images`, { method: 'POST', headers: auth, body: f }))
      await fetch(`${base}/images/${fresh.id}/thumbnails/400`, { headers: auth })
    }
    console.log(`upload 1920x1080 JPEG + first 400 px render     ${((performance.now() - t0) / 5).toFixed(1)} ms each (sequential)`)
  } finally {
    await app.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
