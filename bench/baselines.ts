/**
 * The baselines each imgtier figure is divided by, in their own process (started by
 * bench/run.ts, never by hand): the same client load, the same machine, no imgtier.
 *   (a) bare Koa answering the very bytes imgtier answered, from memory;
 *   (b) naive Koa + pg for the list: verify the JWT, load the user with its tier, then
 *       the page with `count(*) OVER ()` — what a straightforward implementation does;
 *   (c) bare Koa + pg running only the page query: the floor of a list that reads the
 *       database once.
 * (b) and (c) answer the document imgtier answers (the tier's links, the envelope).
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

/** What imgtier's links depend on: the owner's tier. */
interface LinkSettings { readonly heights: readonly number[]; readonly original: boolean; readonly expiring: boolean }
const linkSettingsOf = (row: Record<string, unknown>): LinkSettings =>
  ({ heights: (row.thumbnail_heights as number[]), original: row.original_link === true, expiring: row.expiring_link === true })

/**
 * The same document imgtier answers for the owner's tier: every link the tier gives, in
 * imgtier's key order. A baseline that answered less (only the 200 px links: a third of
 * the bytes) would not be a floor for this list, whose links are the tier's contract.
 */
const imageJson = (base: string, tier: LinkSettings) => (r: Record<string, unknown>) => {
  const self = `${base}/images/${String(r.id)}`
  const byHeight = (suffix: string) => Object.fromEntries(tier.heights.map((h) => [h, `${self}/thumbnails/${h}${suffix}`]))
  return {
    id: r.id, name: r.name, format: r.format, width: r.width, height: r.height, bytes: Number(r.bytes), createdAt: (r.created_at as Date).toISOString(),
    links: {
      thumbnails: byHeight(''),
      ...(tier.original ? { original: `${self}/original` } : {}),
      ...(tier.expiring ? { expiringLinks: { thumbnails: byHeight('/expiring-links'), ...(tier.original ? { original: `${self}/original/expiring-links` } : {}) } } : {}),
    },
  }
}

const USER_WITH_TIER = 'SELECT u.*, t.thumbnail_heights, t.original_link, t.expiring_link FROM users u JOIN tiers t ON t.id = u.tier_id WHERE u.id = $1'

/** (b) What a first, straightforward list endpoint does: three steps, two queries. */
const naiveList = (pool: pg.Pool, secret: string, base: string): Koa => {
  const app = new Koa()
  app.use(async (ctx) => {
    const token = (ctx.get('authorization').match(/^Bearer (.+)$/) ?? [])[1]
    const claims = token === undefined ? undefined : jwt.verify(token, secret, { algorithms: ['HS256'] })
    const userId = typeof claims === 'object' && claims !== null && typeof claims.sub === 'string' ? claims.sub : undefined
    if (userId === undefined) ctx.throw(401)
    const user = await pool.query(USER_WITH_TIER, [userId])
    if (user.rows[0] === undefined) ctx.throw(401)
    const page = await pool.query(`SELECT ${PAGE_COLUMNS}, count(*) OVER () AS total FROM images WHERE ${PAGE_WHERE}`, [userId])
    const count = Number(page.rows[0]?.total ?? 0)
    ctx.body = { count, next: count > 20 ? `${base}/images?limit=20&offset=20` : null, previous: null, results: page.rows.map(imageJson(base, linkSettingsOf(user.rows[0]))) }
  })
  return app
}

/** (c) The page query alone, for a fixed owner: no auth, no count (its tier is read once, at start). */
const pageOnly = async (pool: pg.Pool, ownerId: string, base: string): Promise<Koa> => {
  const tier = linkSettingsOf((await pool.query(USER_WITH_TIER, [ownerId])).rows[0])
  const app = new Koa()
  app.use(async (ctx) => {
    const page = await pool.query(`SELECT ${PAGE_COLUMNS} FROM images WHERE ${PAGE_WHERE}`, [ownerId])
    ctx.body = { count: page.rows.length, next: null, previous: null, results: page.rows.map(imageJson(base, tier)) }
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
    ports.pageOnly = await listen(await pageOnly(pool, settings.ownerId, settings.publicUrl))
  }
  process.stdout.write(`${JSON.stringify({ ports })}\n`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
