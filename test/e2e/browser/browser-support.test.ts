import { expect } from 'chai'
import type { Browser } from 'playwright-core'
import { BROWSER_HOST, browserUrl, launchBrowser } from '../../support/browser'
import { startTestServer, type TestServer } from '../../support/server'

/** The browser harness itself: Debian's Chromium reaches the loopback server by a real-looking host name. */
describe('browser e2e: harness', function () {
  this.timeout(60_000)
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

  it('maps imgtier.test to the test server, which answers a page load there', async () => {
    const url = browserUrl(server.url)
    expect(url).to.match(new RegExp(`^http://${BROWSER_HOST.replace('.', '\\.')}:\\d+$`))
    const context = await browser.newContext()
    const page = await context.newPage()
    const response = await page.goto(`${url}/healthz`)
    expect(response?.status()).to.equal(200)
    expect(await page.evaluate('location.hostname')).to.equal(BROWSER_HOST)
    expect(await page.evaluate('window.isSecureContext'), 'a real host over http is not a secure context').to.equal(false)
    await context.close()
  })
})
