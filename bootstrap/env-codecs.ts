import * as t from 'io-ts'

/** Codecs from environment strings: each failure says what was expected. */
export const intFromEnv = (min: number, max: number) =>
  new t.Type<number, string, unknown>(
    `integer ${min}..${max}`,
    (u): u is number => typeof u === 'number',
    (u, c) => {
      if (typeof u === 'string' && /^\d+$/.test(u.trim())) {
        const n = Number(u.trim())
        if (n >= min && n <= max) return t.success(n)
      }
      return t.failure(u, c, `must be an integer from ${min} to ${max}`)
    },
    String,
  )

export const boolFromEnv = new t.Type<boolean, string, unknown>(
  'boolean',
  (u): u is boolean => typeof u === 'boolean',
  (u, c) => {
    const s = typeof u === 'string' ? u.trim().toLowerCase() : ''
    if (['true', '1', 'yes', 'on'].includes(s)) return t.success(true)
    if (['false', '0', 'no', 'off'].includes(s)) return t.success(false)
    return t.failure(u, c, 'must be true or false')
  },
  String,
)

export const oneOf = <K extends string>(...values: readonly [K, ...K[]]) =>
  new t.Type<K, string, unknown>(
    values.join('|'),
    (u): u is K => typeof u === 'string' && values.some((v) => v === u),
    (u, c) => {
      const found = values.find((v) => v === (typeof u === 'string' ? u.trim() : u))
      return found !== undefined ? t.success(found) : t.failure(u, c, `must be one of ${values.join(', ')}`)
    },
    String,
  )

export const urlFromEnv = new t.Type<string, string, unknown>(
  'URL',
  (u): u is string => typeof u === 'string',
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'must be a URL')
    try {
      const url = new URL(u.trim())
      return url.protocol === 'http:' || url.protocol === 'https:' ? t.success(u.trim().replace(/\/+$/, '')) : t.failure(u, c, 'must be an http(s) URL')
    } catch {
      return t.failure(u, c, 'must be a URL')
    }
  },
  String,
)

export const nonEmpty = new t.Type<string, string, unknown>(
  'non-empty string',
  (u): u is string => typeof u === 'string' && u.length > 0,
  (u, c) => {
    if (u === undefined) return t.failure(u, c, 'must be set')
    return typeof u === 'string' && u.trim().length > 0 ? t.success(u.trim()) : t.failure(u, c, 'must not be empty')
  },
  String,
)

export const listFromEnv = new t.Type<string[], string, unknown>(
  'comma-separated list',
  (u): u is string[] => Array.isArray(u),
  (u, c) => (typeof u === 'string' ? t.success(u.split(',').map((s) => s.trim()).filter(Boolean)) : t.failure(u, c, 'must be a list')),
  (a) => a.join(','),
)
