import Router from '@koa/router'
import { timingSafeEqual } from 'node:crypto'
import type { ReadinessCheck } from '../api'
import type { Metrics } from '../metrics'
import { openApiDocument } from '../openapi'
import { BEARER_CHALLENGE, problem, sendProblem } from '../problem'

const READY_TIMEOUT_MS = 2_000

const withTimeout = (p: Promise<void>, ms: number): Promise<void> =>
  Promise.race([p, new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref())])

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

export const opsRoutes = (opts: { readiness: readonly ReadinessCheck[]; draining?: () => boolean; metrics: Metrics; metricsToken?: string; publicUrl: string }): Router => {
  const router = new Router()

  router.get('/healthz', (ctx) => {
    ctx.set('Cache-Control', 'no-store')
    ctx.body = { status: 'ok' }
  })

  router.get('/readyz', async (ctx) => {
    ctx.set('Cache-Control', 'no-store')
    // A draining instance is leaving: the load balancer must stop sending at once.
    if (opts.draining?.()) return sendProblem(ctx, problem(503, 'not_ready', 'Not ready', 'Shutting down.'))
    const results = await Promise.all(opts.readiness.map(async ({ name, check }) => {
      try {
        await withTimeout(check(), READY_TIMEOUT_MS)
        return [name, 'ok'] as const
      } catch {
        return [name, 'down'] as const
      }
    }))
    const checks = Object.fromEntries(results)
    const down = results.filter(([, state]) => state === 'down').map(([name]) => name)
    if (down.length === 0) {
      ctx.body = { status: 'ready', checks }
      return
    }
    sendProblem(ctx, problem(503, 'not_ready', 'Not ready', `Unavailable: ${down.join(', ')}.`))
    ctx.body = { ...(typeof ctx.body === 'object' ? ctx.body : {}), checks }
  })

  router.get('/metrics', async (ctx) => {
    if (opts.metricsToken !== undefined) {
      const given = /^Bearer (.+)$/.exec(ctx.get('authorization'))?.[1] ?? ''
      if (!sameSecret(given, opts.metricsToken)) {
        return sendProblem(ctx, problem(401, 'unauthorized', 'Unauthorized', 'The metrics token is required.', { headers: BEARER_CHALLENGE }))
      }
    }
    ctx.type = opts.metrics.registry.contentType
    ctx.body = await opts.metrics.registry.metrics()
  })

  const document = openApiDocument(opts.publicUrl)
  router.get('/openapi.json', (ctx) => { ctx.body = document })
  router.get('/docs', (ctx) => {
    ctx.type = 'text/html; charset=utf-8'
    ctx.body = DOCS_PAGE
  })
  router.get('/docs/app.js', (ctx) => {
    ctx.type = 'application/javascript; charset=utf-8'
    ctx.body = DOCS_SCRIPT
  })
  return router
}

/** A self-contained page: no CDN, and its script is a separate file so the default CSP (script-src 'self') holds. */
const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>imgtier API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}code{background:#f3f3f3;padding:0 .25rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.35rem;text-align:left;vertical-align:top}</style></head>
<body><h1>imgtier API</h1><p>The machine-readable description is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<table id="ops"><thead><tr><th>method</th><th>path</th><th>summary</th></tr></thead><tbody></tbody></table>
<script src="/docs/app.js"></script></body></html>`

const DOCS_SCRIPT = `fetch('/openapi.json').then(r => r.json()).then(doc => {
  const body = document.querySelector('#ops tbody')
  for (const [path, item] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(item)) {
    const tr = document.createElement('tr')
    for (const text of [method.toUpperCase(), path, op.summary || '']) { const td = document.createElement('td'); td.textContent = text; tr.appendChild(td) }
    body.appendChild(tr)
  }
})`
