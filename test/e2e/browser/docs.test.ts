import { expect } from 'chai'
import type { Browser } from 'playwright-core'
import { browserUrl, launchBrowser } from '../../support/browser'
import { request } from '../../support/http'
import { startTestServer, type TestServer } from '../../support/server'

/**
 * /docs in a real browser, on a host name that is not localhost and over plain HTTP (where
 * a CSP with upgrade-insecure-requests used to send the page's own scripts to https).
 */
describe('browser e2e: /docs (Swagger UI from the package)', function () {
  this.timeout(90_000)
  let server: TestServer
  let browser: Browser

  before(async function () {
    browser = await launchBrowser(this)
    server = await startTestServer()
  })
  after(async () => {
    await browser?.close()
    await server?.close()
  })

  it('lists every operation of the document, and "try it" on GET /healthz shows its answer', async () => {
    const base = browserUrl(server.url)
    const doc = (await request(`${server.url}/openapi.json`)).json
    const documented = Object.entries<Record<string, unknown>>(doc.paths)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    const context = await browser.newContext()
    const page = await context.newPage()
    const problems: string[] = []
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
    page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`) })
    // Everything the page loads comes from the same origin: no CDN, no https upgrade.
    page.on('request', (req) => { if (!req.url().startsWith(`${base}/`) && !req.url().startsWith('data:')) problems.push(`off-origin request: ${req.url()}`) })

    await page.goto(`${base}/docs`)
    await page.waitForSelector('.opblock', { timeout: 30_000 })
    const listed = await page.$$eval('.opblock', (blocks) => blocks.map((b) => {
      const method = b.querySelector('.opblock-summary-method')?.textContent?.trim() ?? ''
      const path = b.querySelector('.opblock-summary-path')?.getAttribute('data-path') ?? ''
      return `${method} ${path}`
    }))
    expect([...new Set(listed)].sort()).to.deep.equal([...documented].sort())

    const health = page.locator('#operations-operations-liveness')
    await health.locator('.opblock-summary').first().click()
    await health.locator('button.try-out__btn').click()
    await health.locator('button.execute').click()
    const status = health.locator('.live-responses-table .response .response-col_status').first()
    await status.waitFor({ timeout: 20_000 })
    expect((await status.textContent())?.trim()).to.equal('200')
    expect(await health.locator('.live-responses-table .response .response-col_description').first().textContent()).to.include('"status": "ok"')
    expect(problems).to.deep.equal([])
    await context.close()
  })
})
