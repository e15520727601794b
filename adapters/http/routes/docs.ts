import { readFileSync } from 'node:fs'
import path from 'node:path'
import Router from '@koa/router'

/**
 * The API reference in a browser: Swagger UI, served from the package (swagger-ui-dist),
 * never from a CDN. Its scripts are files of their own, so the default CSP
 * (script-src 'self') holds. "Try it" calls go to the origin the page was loaded from.
 */

/** The Swagger UI files served, by name under /docs/. */
export const DOCS_ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js', 'init.js'] as const
type Asset = (typeof DOCS_ASSETS)[number]

const TYPES: Readonly<Record<Asset, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'init.js': 'application/javascript; charset=utf-8',
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>imgtier API</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"><p>Loading the API reference of <a href="/openapi.json">/openapi.json</a>…</p></div>
<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script></body></html>`

const INIT = `// The document names IMGTIER_PUBLIC_URL; "try it" goes to the origin this page came from.
fetch('/openapi.json').then(function (r) { return r.json() }).then(function (spec) {
  spec.servers = [{ url: window.location.origin, description: 'this origin' }]
  window.ui = SwaggerUIBundle({ spec: spec, dom_id: '#swagger-ui', deepLinking: true, validatorUrl: null, withCredentials: true })
})
`

const distDir = (): string => path.dirname(require.resolve('swagger-ui-dist/package.json'))

/** Read on first request, then kept: the bundle is ~1.5 MB, and most instances never serve it. */
const loaded = new Map<Asset, Buffer>()
const assetBytes = (name: Asset): Buffer => {
  let bytes = loaded.get(name)
  if (!bytes) {
    bytes = name === 'init.js' ? Buffer.from(INIT) : readFileSync(path.join(distDir(), name))
    loaded.set(name, bytes)
  }
  return bytes
}

const isAsset = (name: string): name is Asset => DOCS_ASSETS.some((a) => a === name)

export const docsRoutes = (): Router => {
  const router = new Router()
  router.get('/docs', (ctx) => {
    ctx.type = 'text/html; charset=utf-8'
    ctx.body = PAGE
  })
  router.get('/docs/:asset', (ctx, next) => {
    const name = ctx.params.asset ?? ''
    if (!isAsset(name)) return next() // 404 problem, from the app's fallback
    ctx.set('Cache-Control', 'public, max-age=3600')
    ctx.type = TYPES[name]
    ctx.body = assetBytes(name)
  })
  return router
}
