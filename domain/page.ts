import * as O from 'fp-ts/Option'
import * as t from 'io-ts'
import { DatabaseText, described } from './codecs'
import { isUuid } from './ids'

export const LIMIT_DEFAULT = 20
export const LIMIT_MAX = 100

/** `limit` and `offset` arrive as query strings; only plain decimal integers pass. */
const queryInt = (name: string, min: number, max: number) => described(
  new t.Type<number, string, unknown>(
    name,
    (u): u is number => typeof u === 'number',
    (u, c) => {
      if (typeof u === 'string' && /^[0-9]{1,9}$/.test(u)) {
        const n = Number(u)
        if (n >= min && n <= max) return t.success(n)
      }
      return t.failure(u, c, `must be an integer from ${min} to ${max}`)
    },
    String,
  ), { schema: { type: 'integer', minimum: min, maximum: max } })

export const PageQuery = t.exact(
  t.partial({
    limit: queryInt('limit', 1, LIMIT_MAX),
    offset: queryInt('offset', 0, 1_000_000_000),
    cursor: DatabaseText,
  }),
)
export type PageQuery = t.TypeOf<typeof PageQuery>

/** One page of a collection; the HTTP layer turns it into {count, next, previous, results}. */
export interface Page<T> {
  readonly count: number
  readonly results: readonly T[]
  /** How to ask for the neighbouring pages, or undefined at either end. */
  readonly next?: PageRequest
  readonly previous?: PageRequest
}

/** An offset window over a collection of `count` items: which neighbours exist, and where. */
export const offsetPage = <T>(found: { readonly count: number; readonly results: readonly T[] }, limit: number, offset: number): Page<T> => ({
  count: found.count,
  results: found.results,
  next: offset + limit < found.count ? { limit, offset: offset + limit } : undefined,
  previous: offset > 0 ? { limit, offset: Math.max(0, offset - limit) } : undefined,
})

export type PageRequest = { readonly limit: number; readonly offset: number } | { readonly limit: number; readonly cursor: string }


/** Where a keyset page starts: after (older than) or before (newer than) one item. */
export interface KeysetPosition {
  readonly direction: 'after' | 'before'
  readonly createdAt: Date
  readonly id: string
}

/*
 * Times a position may hold: every instant both databases and a four-digit ISO year can
 * express. A date outside (year 0, ±275760) is refused here, before any query sees it.
 */
const EARLIEST = Date.UTC(1970, 0, 1)
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999)
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/** The text of a position (sealed by the application before a client sees it). */
export const keysetPositionToText = (p: KeysetPosition): string =>
  `${p.direction === 'after' ? 'a' : 'b'}|${p.createdAt.toISOString()}|${p.id}`

/** Parses strictly: one spelling per position, a date in range, a canonical uuid. */
export const keysetPositionFromText = (text: string): O.Option<KeysetPosition> => {
  const parts = text.split('|')
  if (parts.length !== 3) return O.none
  const [d, iso, id] = parts as [string, string, string]
  if ((d !== 'a' && d !== 'b') || !ISO_UTC.test(iso) || !isUuid(id)) return O.none
  const createdAt = new Date(iso)
  const ms = createdAt.getTime()
  if (Number.isNaN(ms) || ms < EARLIEST || ms > LATEST || createdAt.toISOString() !== iso) return O.none
  return O.some({ direction: d === 'a' ? 'after' : 'before', createdAt, id })
}
