/** One response imgtier gave during seeding, replayed byte for byte by the bare Koa baseline. */
export interface Fixture {
  readonly method: string
  readonly path: string
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  /** base64 */
  readonly body: string
}

export interface BaselineSettings {
  readonly fixturesFile: string
  /** Unset on PGlite: the pg baselines (b) and (c) need a server. */
  readonly databaseUrl?: string
  readonly jwtSecret: string
  readonly ownerId: string
  readonly publicUrl: string
}

/** The headers worth replaying: what a client sees of the representation. */
const KEPT = ['content-type', 'etag', 'cache-control', 'last-modified', 'location']

export const fixtureOf = async (method: string, path: string, res: Response): Promise<Fixture> => ({
  method,
  path,
  status: res.status,
  headers: Object.fromEntries(KEPT.flatMap((k) => { const v = res.headers.get(k); return v === null ? [] : [[k, v]] })),
  body: Buffer.from(await res.arrayBuffer()).toString('base64'),
})
