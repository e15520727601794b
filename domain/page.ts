import * as t from 'io-ts'
import { described } from './codecs'

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
    cursor: t.string,
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

