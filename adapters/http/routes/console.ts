import Router from '@koa/router'
import { existsSync, readFileSync } from 'node:fs'
import * as path from 'node:path'
import { gzipSync } from 'node:zlib'
import type { Context } from 'koa'
import { problem, sendProblem } from '../problem'

/**
 * GET /console and its assets: the web console, a static single page that speaks only the
 * public API (cookie auth, CSRF header). The files are built by `npm run build:console` into
 * dist/console; asset names carry their content hash, so they are cached for a year.
 */

/** Stricter than the API's default: nothing inline, nothing from elsewhere, no framing. */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // https: because with IMGTIER_DELIVERY=redirect a thumbnail is a 302 to presigned S3.
  "img-src 'self' data: blob: https:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ')

const IMMUTABLE = 'public, max-age=31536000, immutable'

/** A file as sent: its bytes and, compressed once at load, their gzip. */
interface Payload {
  readonly raw: Buffer
  readonly gzip: Buffer
}

interface Built {
  readonly index: Payload
  readonly assets: ReadonlyMap<string, Payload>
}

const payload = (raw: Buffer): Payload => ({ raw, gzip: gzipSync(raw, { level: 9 }) })

/** The nearest directory holding package.json: the repo from source, the app root from dist/. */
const packageRoot = (from: string): string => {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir
    if (path.dirname(dir) === dir) return from
  }
}

export const CONSOLE_DIR = path.join(packageRoot(__dirname), 'dist', 'console')

/** Only the files the manifest names are served: no path from the URL ever reaches the disk. */
const load = (dir: string): Built | undefined => {
  try {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { files: string[] }
    const assets = new Map(manifest.files.map((f) => [f, payload(readFileSync(path.join(dir, 'assets', path.basename(f))))] as const))
    return { index: payload(readFileSync(path.join(dir, 'index.html'))), assets }
  } catch {
    return undefined
  }
}

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' }

const send = (ctx: Context, p: Payload) => {
  ctx.vary('Accept-Encoding')
  if (ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
    ctx.set('Content-Encoding', 'gzip')
    ctx.body = p.gzip
  } else {
    ctx.body = p.raw
  }
}

export const consoleRoutes = (dir = CONSOLE_DIR): Router => {
  const router = new Router()
  let built: Built | undefined
  // Read once it exists; until then each request looks again (a build may land after start).
  const files = () => (built ??= load(dir))

  const notBuilt = (ctx: Context) => sendProblem(ctx, problem(404, 'not_found', 'Not found',
    'The console is not built on this server: run `npm run build` (or `npm start`, which builds it).'))

  const sendIndex = (ctx: Context) => {
    const f = files()
    if (!f) return notBuilt(ctx)
    ctx.set('Content-Security-Policy', CONSOLE_CSP)
    ctx.set('Cache-Control', 'no-cache')
    ctx.type = 'text/html; charset=utf-8'
    send(ctx, f.index)
  }
  router.get('/console', sendIndex)
  router.get('/console/', sendIndex)
  router.get('/console/assets/:file', (ctx) => {
    const name = ctx.params.file ?? ''
    const asset = files()?.assets.get(name)
    if (!asset) return sendProblem(ctx, problem(404, 'not_found', 'Not found', 'No such console asset.'))
    ctx.set('Content-Security-Policy', CONSOLE_CSP)
    ctx.set('Cache-Control', IMMUTABLE)
    ctx.type = TYPES[path.extname(name)] ?? 'application/octet-stream'
    send(ctx, asset)
  })
  return router
}
