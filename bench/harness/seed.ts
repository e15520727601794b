import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { fixtureOf, type Fixture } from './fixtures'

/** The pieces of a JSON answer the bench needs, checked rather than cast. */
const field = (u: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((v, k) => (typeof v === 'object' && v !== null && k in v ? (v as Record<string, unknown>)[k] : undefined), u)
const text = (u: unknown, ...keys: string[]): string => {
  const v = field(u, ...keys)
  if (typeof v !== 'string') throw new Error(`expected a string at ${keys.join('.')} in ${JSON.stringify(u).slice(0, 300)}`)
  return v
}

const json = async (res: Promise<Response>, expected: number): Promise<unknown> => {
  const r = await res
  const body: unknown = await r.json()
  if (r.status !== expected) throw new Error(`${r.url}: ${r.status} ${JSON.stringify(body).slice(0, 300)}`)
  return body
}

export interface Session { readonly userId: string; readonly auth: Record<string, string> }

export const login = async (base: string, username: string, password: string): Promise<Session> => {
  const body = await json(fetch(`${base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) }), 200)
  return { userId: text(body, 'user', 'id'), auth: { authorization: `Bearer ${text(body, 'accessToken')}` } }
}

/** A user on the Enterprise tier (every path of the table is allowed to it). */
export const enterpriseUser = async (base: string, admin: Session): Promise<Session> => {
  const tiers = field(await json(fetch(`${base}/admin/tiers?limit=100`, { headers: admin.auth }), 200), 'results')
  const enterprise = Array.isArray(tiers) ? tiers.find((t) => field(t, 'name') === 'Enterprise') : undefined
  const username = `bench_${randomBytes(4).toString('hex')}`
  const password = randomBytes(12).toString('base64url')
  await json(fetch(`${base}/admin/users`, {
    method: 'POST', headers: { ...admin.auth, 'content-type': 'application/json' },
    body: JSON.stringify({ username, password, tierId: text(enterprise, 'id'), role: 'user' }),
  }), 201)
  return login(base, username, password)
}

export const upload = async (base: string, s: Session, jpeg: Buffer, name: string): Promise<string> => {
  const form = new FormData()
  form.append('image', new Blob([jpeg]), `${name}.jpg`)
  return text(await json(fetch(`${base}/images`, { method: 'POST', headers: s.auth, body: form }), 201), 'id')
}

export interface Scenario {
  readonly owner: Session
  readonly imageId: string
  readonly etag: string
  readonly linkPath: string
  /** What bare Koa replays. */
  readonly fixtures: Fixture[]
}

/** An owner with 40 images, a rendered 200 px thumbnail and an expiring link to it. */
export const seedHotPaths = async (base: string, admin: Session, jpeg: Buffer): Promise<Scenario> => {
  const owner = await enterpriseUser(base, admin)
  const ids: string[] = []
  for (let i = 0; i < 40; i++) ids.push(await upload(base, owner, jpeg, `bench ${i}`))
  const imageId = ids[0] ?? ''
  const thumbPath = `/images/${imageId}/thumbnails/200`
  const linkBody = JSON.stringify({ expiresIn: 3600 })
  const post = (path: string) => fetch(`${base}${path}`, { method: 'POST', headers: { ...owner.auth, 'content-type': 'application/json' }, body: linkBody })
  const thumb = await fetch(`${base}${thumbPath}`, { headers: owner.auth })
  if (thumb.status !== 200) throw new Error(`thumbnail: ${thumb.status}`)
  const linkUrl = new URL(text(await json(post(`${thumbPath}/expiring-links`), 201), 'url'))
  const fixtures = [
    await fixtureOf('GET', '/healthz', await fetch(`${base}/healthz`)),
    await fixtureOf('GET', '/me', await fetch(`${base}/me`, { headers: owner.auth })),
    await fixtureOf('GET', '/images', await fetch(`${base}/images?limit=20`, { headers: owner.auth })),
    await fixtureOf('POST', `${thumbPath}/expiring-links`, await post(`${thumbPath}/expiring-links`)),
    await fixtureOf('GET', thumbPath, thumb),
    await fixtureOf('GET', linkUrl.pathname, await fetch(linkUrl)),
  ]
  return { owner, imageId, etag: thumb.headers.get('etag') ?? '', linkPath: linkUrl.pathname + linkUrl.search, fixtures }
}

/**
 * An owner with `n` images, inserted by one `INSERT … SELECT generate_series` straight
 * into the database (a million uploads would take hours): 1 ms apart, newest now.
 */
export const seedOwnerWith = async (base: string, admin: Session, databaseUrl: string, n: number): Promise<Session> => {
  const owner = await enterpriseUser(base, admin)
  const c = new pg.Client({ connectionString: databaseUrl })
  await c.connect()
  try {
    await c.query(
      `INSERT INTO images (id, owner_id, name, format, width, height, bytes, sha256, created_at)
       SELECT gen_random_uuid(), $1, 'scale ' || g, 'jpeg', 1920, 1080, 300000, md5(g::text) || md5(g::text), now() - g * interval '1 millisecond'
       FROM generate_series(1, $2::int) AS g`,
      [owner.userId, n],
    )
    // VACUUM too, not only ANALYZE: a million fresh rows otherwise send autovacuum over the
    // table while the pages are timed (the timed rows shared the machine with it), and the
    // visibility map it sets lets the listing index be read without visiting the heap.
    await c.query('VACUUM (ANALYZE) images')
  } finally {
    await c.end()
  }
  return owner
}

/** The `next` URL of a page. */
export const nextOf = async (url: string, s: Session): Promise<string | undefined> => {
  const body = await json(fetch(url, { headers: s.auth }), 200)
  const next = field(body, 'next')
  return typeof next === 'string' ? next : undefined
}

export const countOf = async (url: string, s: Session): Promise<number> => {
  const n = field(await json(fetch(url, { headers: s.auth }), 200), 'count')
  if (typeof n !== 'number') throw new Error(`no count from ${url}`)
  return n
}
