import { expect } from 'chai'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import Koa from 'koa'
import { consoleRoutes } from '../../adapters/http/routes/console'
import { buildConsole, type ConsoleManifest } from '../../scripts/build-console'
import { expectProblem, request } from '../support/http'
import { startTestServer, type TestServer } from '../support/server'

/** How the API serves the console: hashed, long-cached assets, a strict CSP, and a size budget. */
describe('e2e: the console’s files', function () {
  this.timeout(60_000)
  let server: TestServer
  let manifest: ConsoleManifest

  before(async () => {
    manifest = await buildConsole()
    server = await startTestServer()
  })
  after(() => server?.close())

  it('GET /console is the page, revalidated each time, under a CSP with nothing inline and no framing', async () => {
    for (const p of ['/console', '/console/']) {
      const page = await request(`${server.url}${p}`)
      expect(page.status, p).to.equal(200)
      expect(page.headers.get('content-type')).to.match(/^text\/html/)
      expect(page.headers.get('cache-control')).to.equal('no-cache')
      const csp = page.headers.get('content-security-policy') ?? ''
      expect(csp).to.match(/default-src 'none'/).and.match(/script-src 'self'(;|$)/).and.match(/style-src 'self'(;|$)/).and.match(/frame-ancestors 'none'/)
      expect(csp).not.to.match(/unsafe-inline|unsafe-eval/)
      const html = page.body.toString('utf8')
      expect(html).to.include(`src="/console/assets/${manifest.script}"`).and.include(`href="/console/assets/${manifest.style}"`)
      expect(html, 'no inline script or style').not.to.match(/<script>|<style|style=/)
    }
  })

  it('assets have content-hashed names and a year-long immutable cache; anything else is a 404 problem', async () => {
    expect(manifest.script).to.match(/^main-[A-Z0-9]{8}\.js$/)
    expect(manifest.style).to.match(/^style-[A-Z0-9]{8}\.css$/)
    const js = await request(`${server.url}/console/assets/${manifest.script}`)
    expect(js.status).to.equal(200)
    expect(js.headers.get('content-type')).to.match(/^text\/javascript/)
    expect(js.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable')
    const css = await request(`${server.url}/console/assets/${manifest.style}`)
    expect(css.headers.get('content-type')).to.match(/^text\/css/)
    for (const p of ['/console/assets/main-00000000.js', '/console/assets/..%2Fmanifest.json', '/console/assets/..%2F..%2Fpackage.json', '/console/index.html']) {
      expectProblem(await request(`${server.url}${p}`), 404, 'not_found')
    }
  })

  it('the whole console is under 100 KB gzipped, and is sent gzipped to clients that accept it', async () => {
    let total = 0
    for (const p of ['/console', ...manifest.files.map((f) => `/console/assets/${f}`)]) {
      const plain = await request(`${server.url}${p}`, { headers: { 'accept-encoding': 'identity' } })
      expect(plain.headers.get('content-encoding'), p).to.equal(null)
      total += gzipSync(plain.body, { level: 9 }).length
      const raw = await fetch(`${server.url}${p}`, { headers: { 'accept-encoding': 'gzip' } })
      expect(raw.headers.get('content-encoding'), p).to.equal('gzip')
      expect(raw.headers.get('vary')).to.match(/accept-encoding/i)
      expect(Buffer.from(await raw.arrayBuffer()).equals(plain.body), 'fetch decodes it to the same bytes').to.equal(true)
    }
    console.log(`      console size: ${(total / 1024).toFixed(1)} KB gzipped`)
    expect(total).to.be.below(100 * 1024)
  })

  it('a server whose console is not built says so with a 404 problem, not a crash', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'imgtier-no-console-'))
    const koa = new Koa().use(consoleRoutes(empty).routes())
    const listening = koa.listen(0, '127.0.0.1')
    try {
      await new Promise((resolve) => listening.once('listening', resolve))
      const address = listening.address()
      const port = typeof address === 'object' && address ? address.port : 0
      const reply = await request(`http://127.0.0.1:${port}/console`)
      expectProblem(reply, 404, 'not_found')
      expect(reply.json.detail).to.match(/npm run build/)
    } finally {
      listening.close()
      rmSync(empty, { recursive: true, force: true })
    }
  })
})
