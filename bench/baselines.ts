/**
 * The baselines each imgtier figure is divided by, in their own process (started by
 * bench/run.ts, never by hand): the same client load, the same machine, no imgtier.
 *   (a) bare Koa answering the very bytes imgtier answered, from memory;
 *   (b) naive Koa + pg for the list: verify the JWT, load the user with its tier, then
 *       the page with `count(*) OVER ()` — what a straightforward implementation does;
 *   (c) bare Koa + pg running only the page query: the floor of a list that reads the
 *       database once.
 * Reads its settings as JSON from argv[2]; prints `{"ports":{…}}` on stdout when listening.
 */
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { createServer } from 'node:http'
import jwt from 'jsonwebtoken'
import Koa from 'koa'
import pg from 'pg'
import type { BaselineSettings, Fixture } from './harness/fixtures'

const settings: BaselineSettings = JSON.parse(process.argv[2] ?? '{}')

const listen = (app: Koa): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer(app.callback())
    server.keepAliveTimeout = 5_000
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })

/** (a) Every recorded response, keyed by method and path, answered from memory. */
const bareKoa = (fixtures: readonly Fixture[]): Koa => {
  const byRoute = new Map(fixtures.map((f) => [`${f.method} ${f.path}`, { ...f, bytes: Buffer.from(f.body, 'base64') }]))
  const app = new Koa()
  app.use(async (ctx) => {
    const f = byRoute.get(`${ctx.method} ${ctx.path}`)
    if (f === undefined) return
    for (const [k, v] of Object.entries(f.headers)) ctx.set(k, v)
    // The same conditional GET imgtier answers: a matching ETag costs no body.
    const etag = f.headers.etag
    if (etag !== undefined && ctx.get('if-none-match') === etag) ctx.status = 304
    else {
      ctx.status = f.status
      ctx.body = f.bytes
    }
  })
  return app
}

const PAGE_COLUMNS = 'id, owner_id, name, format, width, height, bytes, created_at'
const PAGE_WHERE = 'owner_id = $1 AND deleting_since IS NULL ORDER BY created_at DESC, id DESC LIMIT 20'

const imageJson = (base: string, heights: readonly number[]) => (r: Record<string, unknown>) => ({
  id: r.id, name: r.name, format: r.format, width: r.width, height: r.height, bytes: Number(r.bytes), createdAt: r.created_at,
  links: { thumbnails: Object.fromEntries(heights.map((h) => [h, `${base}/images/${String(r.id)}/thumbnails/${h}`])) },
})

/** (b) What a first, straightforward list endpoint does: three steps, two queries. */
const naiveList = (pool: pg.Pool, secret: string, base: string): Koa => {
  const app = new Koa()
  app.use(async (ctx) => {
    const token = (ctx.get('authorization').match(/^Bearer (.+)$/) ?? [])[1]
    const claims = token === undefined ? undefined : jwt.verify(token, secret, { algorithms: ['HS256'] })
    const userId = typeof claims === 'object' && claims !== null && typeof claims.sub === 'string' ? claims.sub : undefined
    if (userId === undefined) ctx.throw(401)
    const user = await pool.query('SELECT u.*, t.thumbnail_heights FROM users u JOIN tiers t ON t.id = u.tier_id WHERE u.id = $1', [userId])
    if (user.rows[0] === undefined) ctx.throw(401)
    const page = await pool.query(`SELECT ${PAGE_COLUMNS}, count(*) OVER () AS total FROM images WHERE ${PAGE_WHERE}`, [userId])
    ctx.body = { count: Number(page.rows[0]?.total ?? 0), next: null, previous: null, results: page.rows.map(imageJson(base, user.rows[0].thumbnail_heights)) }
  })
  return app
}

/** (c) The page query alone, for a fixed owner: no auth, no count. */
const pageOnly = (pool: pg.Pool, ownerId: string, base: string): Koa => {
  const app = new Koa()
  app.use(async (ctx) => {
    const page = await pool.query(`SELECT ${PAGE_COLUMNS} FROM images WHERE ${PAGE_WHERE}`, [ownerId])
    ctx.body = { results: page.rows.map(imageJson(base, [200])) }
  })
  return app
}

const main = async () => {
  const fixtures: Fixture[] = JSON.parse(readFileSync(settings.fixturesFile, 'utf8'))
  const ports: Record<string, number> = { bare: await listen(bareKoa(fixtures)) }
  if (settings.databaseUrl !== undefined) {
    // The same pool size as imgtier's (adapters/persistence/database.ts).
    const pool = new pg.Pool({ connectionString: settings.databaseUrl, max: 10 })
    ports.naive = await listen(naiveList(pool, settings.jwtSecret, settings.publicUrl))
    ports.pageOnly = await listen(pageOnly(pool, settings.ownerId, settings.publicUrl))
  }
  process.stdout.write(`${JSON.stringify({ ports })}\n`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
