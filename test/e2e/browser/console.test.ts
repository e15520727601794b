import { expect } from 'chai'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import sharp from 'sharp'
import { buildConsole } from '../../../scripts/build-console'
import { BROWSER_HOST, browserUrl, launchBrowser, seriousA11yViolations } from '../../support/browser'
import { Client } from '../../support/http'
import { startTestServer, type TestServer } from '../../support/server'

/**
 * The web console in Debian's Chromium, on imgtier.test: the user journey, the admin
 * journey, what a Basic user sees, the session's life, a 360 px screen, and axe-core on
 * every page. With UPDATE_SCREENSHOTS=1 the README's screenshots are written to docs/.
 */

const PASSWORD = 'correct-horse-battery'
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? path.resolve(__dirname, '../../../docs') : undefined

/** A small landscape in two palettes, so screenshots show pictures rather than flat squares. */
const picture = (sky: [string, string], hill: string, width: number, height: number, format: 'jpeg' | 'png') => {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="s" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${sky[0]}"/><stop offset="1" stop-color="${sky[1]}"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#s)"/>
    <circle cx="${width * 0.72}" cy="${height * 0.32}" r="${height * 0.12}" fill="#ffe9a8"/>
    <path d="M0 ${height * 0.7} Q ${width * 0.3} ${height * 0.45} ${width * 0.6} ${height * 0.68} T ${width} ${height * 0.6} V ${height} H 0 Z" fill="${hill}"/>
    <path d="M0 ${height * 0.85} Q ${width * 0.5} ${height * 0.7} ${width} ${height * 0.88} V ${height} H 0 Z" fill="#00000033"/></svg>`
  const img = sharp(Buffer.from(svg))
  return (format === 'jpeg' ? img.jpeg({ quality: 85 }) : img.png()).toBuffer()
}

interface Watched { readonly page: Page; readonly problems: string[] }

describe('browser e2e: the web console', function () {
  this.timeout(120_000)
  let server: TestServer
  let browser: Browser
  let api: Client
  let adminToken: string
  let base: string
  const contexts: BrowserContext[] = []
  let shots: string

  const makeUser = async (username: string, tierName: string) => {
    const tiers = await api.get('/admin/tiers?limit=100', adminToken)
    const tier = tiers.json.results.find((t: { name: string }) => t.name === tierName)
    const created = await api.post('/admin/users', { username, password: PASSWORD, tierId: tier.id, role: 'user' }, adminToken)
    expect(created.status, JSON.stringify(created.json)).to.equal(201)
    return { id: created.json.id as string, username, token: await api.login(username, PASSWORD) }
  }

  /** A fresh context (no cookies) and page; CSP violations and uncaught errors are collected. */
  const open = async (viewport = { width: 1120, height: 780 }): Promise<Watched> => {
    const context = await browser.newContext({ viewport })
    contexts.push(context)
    const page = await context.newPage()
    const problems: string[] = []
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`))
    page.on('console', (msg) => { if (/Content Security Policy|Refused to/i.test(msg.text())) problems.push(`CSP: ${msg.text()}`) })
    return { page, problems }
  }

  const logIn = async (page: Page, username: string, path = '', password = PASSWORD) => {
    await page.goto(`${base}/console${path}`)
    await page.getByLabel('Username').fill(username)
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Log in' }).click()
  }

  const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true }).waitFor()

  const expectAccessible = async (page: Page, where: string) => {
    expect(await seriousA11yViolations(page), `axe on ${where}`).to.deep.equal([])
  }

  // A function, not a string: the console's CSP forbids eval, which a string predicate needs.
  const allThumbnailsLoaded = (page: Page, selector: string, n: number) =>
    page.waitForFunction(([sel, count]) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- runs in the page; the tests' tsconfig has no DOM types
      const imgs: any[] = Array.from((globalThis as any).document.querySelectorAll(sel))
      return imgs.length === count && imgs.every((i) => i.complete && i.naturalWidth > 0)
    }, [selector, n] as const)

  /** Taken on every run (a broken page fails here too); kept in docs/ only with UPDATE_SCREENSHOTS=1. */
  const screenshot = async (page: Page, name: string) => {
    await page.evaluate('window.scrollTo(0, 0)')
    const png = await page.screenshot({ path: path.join(SCREENSHOTS ?? shots, name) })
    expect(png.subarray(1, 4).toString('latin1')).to.equal('PNG')
  }

  before(async function () {
    browser = await launchBrowser(this)
    await buildConsole()
    server = await startTestServer({ publicHost: BROWSER_HOST })
    server.clock.set(new Date()) // the console's dates and countdowns read as today
    api = new Client(server.url)
    adminToken = await api.login(server.admin.username, server.admin.password)
    base = browserUrl(server.url)
    shots = mkdtempSync(path.join(tmpdir(), 'imgtier-console-shots-'))
  })
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined)
    await browser?.close()
    await server?.close()
    if (shots) rmSync(shots, { recursive: true, force: true })
  })

  it('a user logs in, uploads two images, sees their thumbnails, shares one by an expiring link, deletes it, and the link then answers 404', async () => {
    await makeUser('ada', 'Enterprise')
    const { page, problems } = await open()
    await page.goto(`${base}/console`)
    await page.getByRole('button', { name: 'Log in' }).waitFor()
    await expectAccessible(page, 'the login form')
    await logIn(page, 'ada')
    await heading(page, 'Your images')
    expect(await page.getByText('0 images').count()).to.equal(1)

    await page.getByLabel('Upload images').setInputFiles([
      { name: 'harbour.jpg', mimeType: 'image/jpeg', buffer: await picture(['#5aa0e6', '#cfe6f7'], '#2f6d4f', 1200, 800, 'jpeg') },
      { name: 'meadow.png', mimeType: 'image/png', buffer: await picture(['#f5a66b', '#fde3c8'], '#7a8f3a', 900, 900, 'png') },
    ])
    await page.getByText('2 images', { exact: true }).waitFor()
    await allThumbnailsLoaded(page, '.grid img', 2)
    const sources = await page.locator('.grid img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src')))
    for (const src of sources) expect(src).to.match(/^\/images\/[0-9a-f-]+\/thumbnails\/200$/) // the tier's smallest height
    expect(await page.locator('.grid img').first().getAttribute('loading')).to.equal('lazy')
    expect(await page.locator('.grid .name').allTextContents()).to.deep.equal(['meadow', 'harbour']) // newest first
    expect(await page.locator('.uploads progress').evaluateAll((bars) => bars.map((b) => (b as unknown as { value: number }).value))).to.deep.equal([1, 1])
    await expectAccessible(page, 'the gallery')
    await screenshot(page, 'console-gallery.png')

    await page.getByRole('link', { name: 'harbour' }).click()
    await heading(page, 'harbour')
    await allThumbnailsLoaded(page, '.variants img', 2)
    expect(await page.locator('.variants img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src')?.split('/').pop()))).to.deep.equal(['200', '400'])
    await page.getByText('1200 × 800 px').waitFor()
    const lifetime = page.getByLabel('Expires in (seconds)')
    expect([await lifetime.getAttribute('min'), await lifetime.getAttribute('max')]).to.deep.equal(['300', '30000'])
    await page.getByText('Between 300 and 30000 seconds').waitFor() // the bounds are shown, not only enforced
    await lifetime.fill('10')
    await page.getByRole('button', { name: 'Create link' }).click()
    await page.getByRole('alert').filter({ hasText: 'between 300 and 30000' }).waitFor()
    await page.getByLabel('Variant').selectOption({ label: 'Thumbnail, 400 px' })
    await lifetime.fill('600')
    await page.getByRole('button', { name: 'Create link' }).click()
    const linkUrl = await page.getByLabel('Expiring link').inputValue()
    expect(linkUrl).to.match(new RegExp(`^http://${BROWSER_HOST}:\\d+/links/`))
    expect(await page.getByRole('timer').textContent()).to.match(/^Expires in (10 min|9 min \d+ s)/)
    await page.getByRole('button', { name: 'Copy link' }).click()
    expect(await page.locator('.copied').textContent()).to.match(/Copied|Ctrl\+C/)
    await expectAccessible(page, 'the image page')

    const stranger = await open()
    const shared = await stranger.page.goto(linkUrl)
    expect(shared?.status(), 'the link opens without a login').to.equal(200)
    expect(shared?.headers()['content-type']).to.equal('image/jpeg')

    await page.getByRole('button', { name: 'Delete image' }).click()
    await page.getByRole('button', { name: 'Yes, delete it' }).click()
    await heading(page, 'Your images')
    await page.getByText('1 image', { exact: true }).waitFor()
    // Another fresh context: the first one may rightly serve the bytes from its cache until the link's max-age.
    const later = await open()
    expect((await later.page.goto(linkUrl))?.status(), 'the deleted image takes its link along').to.equal(404)
    expect(problems).to.deep.equal([])
  })

  it('a dropped file uploads like a picked one; each refused upload shows its own reason from the API, next to its file', async () => {
    const { token } = await makeUser('eve', 'Premium')
    const samples = [
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture at all, just text') },
      { name: 'broken.jpg', mimeType: 'image/jpeg', buffer: (await picture(['#000', '#fff'], '#888', 300, 200, 'jpeg')).subarray(0, 600) },
    ]
    const expected: string[] = []
    for (const s of samples) expected.push((await api.upload(token, s.buffer, s.name)).json.detail)
    expect(expected[0]).to.match(/JPEG and PNG/)
    const { page, problems } = await open()
    await logIn(page, 'eve')
    await heading(page, 'Your images')
    await page.getByLabel('Upload images').setInputFiles(samples)
    const alerts = page.locator('.uploads').getByRole('alert')
    await alerts.nth(1).waitFor()
    expect(await alerts.allTextContents()).to.deep.equal(expected)
    expect(await page.getByText('0 images').count()).to.equal(1)

    // Drag and drop: a file dropped on the zone is uploaded like a picked one.
    const dropped = (await picture(['#9ad', '#def'], '#464', 120, 90, 'png')).toString('base64')
    const transfer = await page.evaluateHandle(([b64, name]) => {
      /* eslint-disable @typescript-eslint/no-explicit-any -- runs in the page; the tests' tsconfig has no DOM types */
      const g = globalThis as any
      const data = new g.DataTransfer()
      data.items.add(new g.File([Uint8Array.from(g.atob(b64), (c: string) => c.charCodeAt(0))], name, { type: 'image/png' }))
      return data
    }, [dropped, 'dropped.png'] as const)
    await page.locator('.dropzone').dispatchEvent('drop', { dataTransfer: transfer })
    await page.getByText('1 image', { exact: true }).waitFor()
    await allThumbnailsLoaded(page, '.grid img', 1)
    expect(await page.locator('.grid .name').allTextContents()).to.deep.equal(['dropped'])
    expect(problems).to.deep.equal([])
  })

  it('a Basic user sees what the tier does not include, and no expiring-link form', async () => {
    const bob = await makeUser('bob', 'Basic')
    const id = (await api.upload(bob.token, await picture(['#7b8cde', '#e0e6ff'], '#3a4a8f', 640, 480, 'jpeg'), 'dusk.jpg')).json.id
    const { page, problems } = await open()
    await logIn(page, 'bob', `#/images/${id}`)
    await heading(page, 'dusk')
    await allThumbnailsLoaded(page, '.variants img', 1)
    expect(await page.getByLabel('Expires in (seconds)').count()).to.equal(0)
    expect(await page.getByRole('button', { name: 'Create link' }).count()).to.equal(0)
    await page.getByText('Expiring links are not included in your tier (Basic).').waitFor()
    await page.getByText('Not included in your tier (Basic): ask an administrator').waitFor()
    expect(await page.getByRole('link', { name: 'Download the original' }).count()).to.equal(0)
    await expectAccessible(page, 'a Basic image page')
    expect(problems).to.deep.equal([])
  })

  it('an admin creates a tier, moves a user to it and edits it, and the user’s image page offers the new heights at once; users are created and given passwords', async () => {
    const cleo = await makeUser('cleo', 'Premium')
    const id = (await api.upload(cleo.token, await picture(['#3f7fbf', '#bfe0ff'], '#2e5e3e', 800, 600, 'jpeg'), 'lake.jpg')).json.id
    const user = await open()
    await logIn(user.page, 'cleo', `#/images/${id}`)
    await heading(user.page, 'lake')
    await allThumbnailsLoaded(user.page, '.variants img', 2)

    const admin = await open()
    await logIn(admin.page, server.admin.username, '', server.admin.password)
    await heading(admin.page, 'Your images')
    await admin.page.getByRole('link', { name: 'Tiers' }).click()
    await heading(admin.page, 'Tiers')
    await expectAccessible(admin.page, 'the tiers page')
    const form = admin.page.getByRole('form', { name: 'New tier' })
    await form.getByLabel('Name').fill('Studio')
    await form.getByLabel('Thumbnail heights').fill('120, 9')
    await form.getByRole('button', { name: 'Create tier' }).click()
    expect(await form.getByRole('alert').textContent()).to.match(/“9” is not a height/)
    await form.getByLabel('Thumbnail heights').fill('360, 120')
    await form.getByLabel('Expiring links').check()
    await form.getByRole('button', { name: 'Create tier' }).click()
    await admin.page.getByRole('row', { name: /Studio/ }).waitFor()
    expect(await admin.page.getByRole('row', { name: /Studio/ }).getByRole('cell').first().textContent()).to.equal('120, 360')

    // Deleting a tier in use is refused, with the API's own words.
    await admin.page.getByRole('button', { name: 'Delete Premium' }).click()
    await admin.page.getByRole('button', { name: 'Yes, delete' }).click()
    await admin.page.getByRole('alert').filter({ hasText: 'move them first' }).waitFor()
    await screenshot(admin.page, 'console-tiers.png')

    await admin.page.getByRole('link', { name: 'Users' }).click()
    await heading(admin.page, 'Users')
    await expectAccessible(admin.page, 'the users page')
    await admin.page.getByRole('button', { name: 'Edit cleo' }).click()
    const edit = admin.page.getByRole('form', { name: 'Edit user cleo' })
    await edit.getByLabel('Tier').selectOption({ label: 'Studio' })
    await edit.getByRole('button', { name: 'Save user' }).click()
    await admin.page.getByRole('row', { name: /cleo/ }).getByRole('cell', { name: 'Studio' }).waitFor()
    expect((await api.get(`/admin/users/${cleo.id}`, adminToken)).json.tierId).to.be.a('string')

    await user.page.reload()
    await heading(user.page, 'lake')
    await allThumbnailsLoaded(user.page, '.variants img', 2)
    expect(await user.page.locator('.variants img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src')?.split('/').pop()))).to.deep.equal(['120', '360'])
    await user.page.getByLabel('Expires in (seconds)').waitFor() // Studio allows expiring links

    // Editing the tier itself shows at the next load too.
    await admin.page.getByRole('link', { name: 'Tiers' }).click()
    await heading(admin.page, 'Tiers')
    await admin.page.getByRole('button', { name: 'Edit Studio' }).click()
    const editTier = admin.page.getByRole('form', { name: 'Edit tier Studio' })
    expect(await editTier.getByLabel('Thumbnail heights').inputValue()).to.equal('120, 360')
    await editTier.getByLabel('Thumbnail heights').fill('120, 240, 360')
    await editTier.getByRole('button', { name: 'Save tier' }).click()
    await admin.page.getByRole('row', { name: /Studio/ }).getByRole('cell', { name: '120, 240, 360' }).waitFor()
    await user.page.reload()
    await heading(user.page, 'lake')
    await allThumbnailsLoaded(user.page, '.variants img', 3)

    // A user made in the console, then given a new password there, logs in with it.
    await admin.page.getByRole('link', { name: 'Users' }).click()
    await heading(admin.page, 'Users')
    const create = admin.page.getByRole('form', { name: 'New user' })
    await create.getByLabel('Username').fill('hal')
    await create.getByLabel('Password').fill('first-password-1')
    await create.getByLabel('Tier').selectOption({ label: 'Studio' })
    await create.getByRole('button', { name: 'Create user' }).click()
    await admin.page.getByRole('row', { name: /hal/ }).getByRole('cell', { name: 'Studio' }).waitFor()
    await admin.page.getByRole('button', { name: 'Edit hal' }).click()
    await admin.page.getByRole('form', { name: 'Edit user hal' }).getByLabel('New password').fill(PASSWORD)
    await admin.page.getByRole('button', { name: 'Save user' }).click()
    await admin.page.getByRole('form', { name: 'New user' }).waitFor()
    expect((await api.post('/auth/login', { username: 'hal', password: PASSWORD })).status).to.equal(200)
    expect([...user.problems, ...admin.problems]).to.deep.equal([])
  })

  it('an auditor sees tiers and users read-only: no forms, no edit or delete buttons', async () => {
    const created = await api.post('/admin/users', { username: 'ivy', password: PASSWORD, role: 'auditor' }, adminToken)
    expect(created.status, JSON.stringify(created.json)).to.equal(201)
    const { page, problems } = await open()
    await logIn(page, 'ivy')
    await page.getByRole('link', { name: 'Tiers' }).click()
    await heading(page, 'Tiers')
    await page.getByText('Read-only: auditors see the tiers but cannot change them.').waitFor()
    expect(await page.getByRole('row', { name: /Enterprise/ }).count()).to.equal(1)
    expect(await page.getByRole('button', { name: /Edit|Delete|Create tier/ }).count()).to.equal(0)
    await page.getByRole('link', { name: 'Users' }).click()
    await heading(page, 'Users')
    await page.getByRole('row', { name: /ivy/ }).waitFor()
    expect(await page.getByRole('form').count()).to.equal(0)
    expect(await page.getByRole('button', { name: /Edit|Create user/ }).count()).to.equal(0)
    await expectAccessible(page, 'the read-only users page')
    expect(problems).to.deep.equal([])
  })

  it('the session renews itself; an ended session shows the login form and then the page the user was on', async () => {
    const dan = await makeUser('dan', 'Premium')
    const id = (await api.upload(dan.token, await picture(['#222a44', '#8a6fb0'], '#1c2b22', 500, 400, 'png'), 'night.png')).json.id
    const { page, problems } = await open()
    await logIn(page, 'dan')
    await heading(page, 'Your images')
    const context = page.context()
    await context.clearCookies({ name: 'imgtier_access' }) // as when the 15-minute access token runs out
    await page.getByRole('link', { name: 'night' }).click()
    await heading(page, 'night')
    expect((await context.cookies()).map((c) => c.name)).to.include('imgtier_access')

    await context.clearCookies() // the whole session is gone
    await page.reload()
    await page.getByRole('button', { name: 'Log in' }).waitFor()
    expect(page.url()).to.match(new RegExp(`#/images/${id}$`))
    // With the keyboard only: the form takes focus, Tab moves on, Enter submits; a refusal is announced.
    expect(await page.evaluate('document.activeElement.name')).to.equal('username')
    await page.keyboard.type('dan')
    await page.keyboard.press('Tab')
    await page.keyboard.type('wrong password')
    await page.keyboard.press('Enter')
    const refusal = (await api.post('/auth/login', { username: 'dan', password: 'wrong password' })).json.detail
    await page.getByRole('alert').filter({ hasText: refusal }).waitFor()
    await page.getByLabel('Password').fill(PASSWORD)
    await page.keyboard.press('Enter')
    await heading(page, 'night')

    await page.getByRole('button', { name: 'Log out' }).click()
    await page.getByRole('button', { name: 'Log in' }).waitFor()
    expect((await context.cookies()).filter((c) => c.name.startsWith('imgtier_'))).to.deep.equal([])
    expect(problems).to.deep.equal([])
  })

  it('the gallery pages by cursor: Load more brings the older images, then goes away', async () => {
    const gus = await makeUser('gus', 'Basic')
    const tiny = await picture(['#ccc', '#eee'], '#999', 32, 24, 'jpeg')
    for (let i = 1; i <= 25; i++) {
      server.clock.advance(1000) // the test clock stands still otherwise, and newest-first needs distinct times
      expect((await api.upload(gus.token, tiny, `p${i}.jpg`)).status).to.equal(201)
    }
    const { page, problems } = await open()
    await logIn(page, 'gus')
    await heading(page, 'Your images')
    await page.getByText('25 images', { exact: true }).waitFor()
    expect(await page.locator('.grid li').count()).to.equal(24)
    expect(await page.locator('.grid .name').first().textContent()).to.equal('p25')
    await page.getByRole('button', { name: 'Load more' }).click()
    await page.locator('.grid li').nth(24).waitFor()
    expect(await page.locator('.grid .name').last().textContent()).to.equal('p1')
    expect(await page.getByRole('button', { name: 'Load more' }).isVisible()).to.equal(false)
    expect(problems).to.deep.equal([])
  })

  it('is usable 360 px wide: no page scrolls sideways', async () => {
    const fay = await makeUser('fay', 'Enterprise')
    const id = (await api.upload(fay.token, await picture(['#5aa0e6', '#cfe6f7'], '#2f6d4f', 1600, 900, 'jpeg'), 'a rather long name for a panorama of the bay.jpg')).json.id
    const { page, problems } = await open({ width: 360, height: 740 })
    await logIn(page, 'fay')
    await heading(page, 'Your images')
    const overflow = () => page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth') as Promise<number>
    expect(await overflow(), 'gallery').to.equal(0)
    await page.goto(`${base}/console#/images/${id}`)
    await heading(page, 'a rather long name for a panorama of the bay')
    await page.getByRole('button', { name: 'Create link' }).click()
    await page.getByLabel('Expiring link').waitFor()
    expect(await overflow(), 'image page').to.equal(0)
    expect(problems).to.deep.equal([])
  })
})
