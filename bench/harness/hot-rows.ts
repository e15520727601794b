import type { RowKey } from './options'
import type { Scenario } from './seed'
import { load, type LoadResult, type LoadSpec } from './load'
import { cpuMsOf } from './processes'

/** The HTTP rows of issue 8's table: what is requested of imgtier and of its baselines. */
export interface HotRow {
  readonly key: RowKey
  readonly name: string
  readonly method?: 'GET' | 'POST'
  readonly path: (s: Scenario) => string
  readonly auth: boolean
  readonly headers?: (s: Scenario) => Record<string, string>
  readonly body?: string
  readonly expect: number
  /** [baseline name, which server, the target for imgtier / baseline] */
  readonly against: readonly (readonly [string, 'bare' | 'naive' | 'pageOnly', string])[]
}

export const BARE = 'bare Koa, same bytes'
export const HOT_ROWS: readonly HotRow[] = [
  { key: 'healthz', name: 'GET /healthz', path: () => '/healthz', auth: false, expect: 200, against: [[BARE, 'bare', '≥ 0.75']] },
  { key: 'me', name: 'GET /me', path: () => '/me', auth: true, expect: 200, against: [[BARE, 'bare', '—']] },
  {
    key: 'list', name: 'GET /images?limit=20', path: () => '/images?limit=20', auth: true, expect: 200,
    against: [['naive Koa + pg (b)', 'naive', '≥ 1.25'], ['page query only (c)', 'pageOnly', '≥ 0.75'], [BARE, 'bare', '—']],
  },
  {
    key: 'link-post', name: 'POST …/thumbnails/200/expiring-links', method: 'POST', path: (s) => `/images/${s.imageId}/thumbnails/200/expiring-links`,
    auth: true, headers: () => ({ 'content-type': 'application/json' }), body: JSON.stringify({ expiresIn: 3600 }), expect: 201, against: [[BARE, 'bare', '≥ 0.25']],
  },
  { key: 'thumbnail', name: 'cached thumbnail GET (200 px)', path: (s) => `/images/${s.imageId}/thumbnails/200`, auth: true, expect: 200, against: [[BARE, 'bare', '≥ 0.40']] },
  {
    key: 'thumbnail-304', name: 'thumbnail GET, 304 (If-None-Match)', path: (s) => `/images/${s.imageId}/thumbnails/200`, auth: true,
    headers: (s) => ({ 'if-none-match': s.etag }), expect: 304, against: [[BARE, 'bare', '≥ 0.40']],
  },
  { key: 'link-get', name: 'GET /links/:token (no login)', path: (s) => s.linkPath, auth: false, expect: 200, against: [[BARE, 'bare', '≥ 0.40']] },
]

/** A load run, with what it cost the server that answered it (CPU per request, warm-up included on both sides). */
export interface Measured extends LoadResult { readonly cpuUsPerRequest?: number }

export const measured = async (spec: LoadSpec, serverPid: number): Promise<Measured> => {
  const before = cpuMsOf(serverPid)
  const r = await load(spec)
  const after = cpuMsOf(serverPid)
  const answered = r.requests + r.warmupRequests
  return before === undefined || after === undefined || answered === 0 ? r : { ...r, cpuUsPerRequest: ((after - before) * 1000) / answered }
}

