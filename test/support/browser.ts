import { existsSync } from 'node:fs'
import { source as AXE_SOURCE } from 'axe-core'
import { chromium, type Browser, type Page } from 'playwright-core'
import { reportService } from './services'

/**
 * Browser tests drive Debian's Chromium (DESIGN.md §5; `.ci/run` installs it) through
 * playwright-core. Pages are opened on `imgtier.test`, a name Chromium maps to the loopback
 * server: `localhost` is a "potentially trustworthy" origin with privileges a real
 * deployment does not get (secure-context APIs, relaxed cookie rules), so testing there
 * would hide what a user on a real host name meets.
 */
export const CHROMIUM = '/usr/bin/chromium'
export const BROWSER_HOST = 'imgtier.test'

const ARGS = [
  `--host-resolver-rules=MAP ${BROWSER_HOST} 127.0.0.1`,
  '--headless',
  '--no-sandbox', // CI runs as root, where Chromium's sandbox cannot start
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking', // traffic only to 127.0.0.1: no update checks, no safe browsing
  '--disable-component-update',
  '--disable-sync',
]

/** The test server's URL (http://127.0.0.1:<port>) as the browser should see it. */
export const browserUrl = (serverUrl: string): string => {
  const url = new URL(serverUrl)
  return `http://${BROWSER_HOST}:${url.port}`
}

/**
 * Launches Chromium, or marks the calling test (or hook) pending with the run's one
 * NOT RUN line when it is not installed: a browser suite never passes without a browser.
 */
export const launchBrowser = async (ctx: Mocha.Context): Promise<Browser> => {
  if (!existsSync(CHROMIUM)) {
    reportService('browser tests', `NOT RUN: no Chromium at ${CHROMIUM} (apt-get install chromium)`)
    ctx.skip()
  }
  reportService('browser tests', `Chromium (${CHROMIUM}) via playwright-core`)
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS })
}

/**
 * Runs axe-core inside the page and returns its serious and critical violations, one line
 * each. axe is evaluated through the DevTools protocol, not added as a <script>: the page's
 * CSP (no inline script) must stay exactly as users get it.
 */
export const seriousA11yViolations = async (page: Page): Promise<string[]> => {
  await page.evaluate(AXE_SOURCE)
  const violations = await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' + v.nodes.map(n => n.target.join(' ')).join(', ')))`)
  return violations as string[]
}
