import type { ImageFormat } from '../../domain/image'
import type { Role } from '../../domain/user'

// The one place where the two drivers disagree. `pg` returns int8 (bigint columns,
// count(*)) as strings so that nothing above 2^53 is silently rounded; PGlite returns
// numbers. Arrays and timestamps agree today (int[] → number[], timestamptz → Date),
// but are still checked here so that a driver upgrade fails loudly, not subtly.

export class RowShapeError extends Error {
  constructor(what: string, value: unknown) {
    super(`unexpected ${what} from the database: ${JSON.stringify(value)}`)
    this.name = 'RowShapeError'
  }
}

/** An int8 or numeric value as a JS number (counts and byte sizes stay far below 2^53). */
export const toBoolean = (u: unknown, what = 'boolean'): boolean => {
  if (typeof u === 'boolean') return u
  throw new RowShapeError(what, u)
}

export const toNumber = (u: unknown, what = 'number'): number => {
  const n = typeof u === 'number' ? u : typeof u === 'string' && /^-?[0-9]+$/.test(u) ? Number(u) : typeof u === 'bigint' ? Number(u) : NaN
  if (!Number.isSafeInteger(n)) throw new RowShapeError(what, u)
  return n
}

/** The `n` of `SELECT count(*) AS n`. */
export const countOf = (rows: unknown): number => {
  const first: unknown = Array.isArray(rows) ? rows[0] : undefined
  if (typeof first !== 'object' || first === null || !('n' in first)) throw new RowShapeError('count', rows)
  return toNumber(first.n, 'count')
}

export const toIntArray = (u: unknown, what = 'integer array'): number[] => {
  // jsonb would arrive parsed, a text array literal would arrive as '{1,2}'.
  const raw = typeof u === 'string' && /^\{[0-9,]*\}$/.test(u) ? u.slice(1, -1).split(',').filter((s) => s !== '') : u
  if (!Array.isArray(raw)) throw new RowShapeError(what, u)
  return raw.map((v) => toNumber(v, what))
}

export const toDate = (u: unknown, what = 'timestamp'): Date => {
  const d = u instanceof Date ? u : typeof u === 'string' ? new Date(u) : undefined
  if (d === undefined || Number.isNaN(d.getTime())) throw new RowShapeError(what, u)
  return d
}

export const toOptionalDate = (u: unknown, what = 'timestamp'): Date | undefined =>
  u === null || u === undefined ? undefined : toDate(u, what)

export const toImageFormat = (u: unknown): ImageFormat => {
  if (u === 'jpeg' || u === 'png') return u
  throw new RowShapeError('image format', u)
}

export const toRole = (u: unknown): Role => {
  if (u === 'user' || u === 'admin' || u === 'auditor') return u
  throw new RowShapeError('role', u)
}

/** A char(n) column comes back blank-padded; sha256 is exactly 64 so this only guards. */
export const toTrimmed = (u: unknown, what = 'text'): string => {
  if (typeof u !== 'string') throw new RowShapeError(what, u)
  return u.trimEnd()
}

// Both drivers raise errors carrying the SQLSTATE and the constraint; objection may
// wrap them (db-errors) and keep the driver's error as `nativeError`.
export interface SqlError { readonly code: string; readonly constraint?: string }

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null

export const sqlErrorOf = (e: unknown): SqlError | undefined => {
  if (!isRecord(e)) return undefined
  if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code))
    return { code: e.code, ...(typeof e.constraint === 'string' ? { constraint: e.constraint } : {}) }
  return e.nativeError !== e ? sqlErrorOf(e.nativeError) : undefined
}

export const UNIQUE_VIOLATION = '23505'
export const FOREIGN_KEY_VIOLATION = '23503'

/**
 * Rows changed by a DELETE or UPDATE. `pg` gives a number; knex-pglite names the command `DEL`
 * rather than `DELETE`, so knex hands back the raw result and its `rowCount` instead.
 * Typed `unknown` on purpose: the declared `number` is not what PGlite delivers.
 */
export const affectedRows = (u: unknown): number => {
  if (typeof u === 'number') return u
  if (typeof u === 'object' && u !== null && 'rowCount' in u) return toNumber(u.rowCount, 'deleted row count')
  throw new RowShapeError('deleted row count', u)
}
