import * as t from 'io-ts'

/**
 * What a hand-written codec accepts, for the API description: `like` is a structural
 * codec it narrows, `schema` the JSON Schema keywords that say how. Kept beside the
 * codec so the OpenAPI document derives from it instead of copying it.
 */
export interface JsonSchemaHint {
  readonly like?: t.Mixed
  readonly schema?: Readonly<Record<string, unknown>>
}

export const described = <C extends t.Mixed>(codec: C, hint: JsonSchemaHint): C & { readonly jsonSchemaHint: JsonSchemaHint } =>
  Object.assign(codec, { jsonSchemaHint: hint })

/** An integer (a JSON number, never a numeric string) within [min, max]. */
export const intBetween = (min: number, max: number, name = `Int[${min}..${max}]`) => described(
  new t.Type<number, number, unknown>(
    name,
    (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max,
    (u, c) =>
      typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max
        ? t.success(u)
        : t.failure(u, c, `must be an integer from ${min} to ${max}`),
    t.identity,
  ), { schema: { type: 'integer', minimum: min, maximum: max } })

/**
 * U+0000 (a Postgres text value cannot hold it) or a UTF-16 surrogate without its pair
 * (no UTF-8 encoding: drivers silently replace it). Either would reach the database as an
 * error or as different text, so no string with one gets past the edge.
 */
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

export const isStorableText = (s: string): boolean => !UNSTORABLE.test(s)

export const UNSTORABLE_TEXT_MESSAGE = 'must not contain U+0000 or unpaired surrogates'

/**
 * Text the database stores as it is. Every codec of client text that reaches the database
 * (names, usernames, passwords, tokens, cursors) builds on this one.
 */
export const DatabaseText = described(new t.Type<string, string, unknown>(
  'DatabaseText',
  (u): u is string => typeof u === 'string' && isStorableText(u),
  (u, c) => (typeof u !== 'string' ? t.failure(u, c, 'must be a string') : isStorableText(u) ? t.success(u) : t.failure(u, c, UNSTORABLE_TEXT_MESSAGE)),
  t.identity,
), { schema: { type: 'string', description: 'no U+0000, no unpaired surrogates' } })

/** Length in characters as the database counts them (code points): an emoji is one, not two UTF-16 units. */
export const characterCount = (s: string): number => {
  let n = 0
  for (const _ of s) n++
  return n
}

/** A string whose length (after trimming, in code points) is within [min, max]; yields the trimmed string. */
export const trimmedString = (min: number, max: number, name = `String[${min}..${max}]`) => described(
  new t.Type<string, string, unknown>(
    name,
    (u): u is string => DatabaseText.is(u) && characterCount(u.trim()) >= min && characterCount(u.trim()) <= max,
    (u, c) => {
      if (typeof u !== 'string') return t.failure(u, c, 'must be a string')
      if (!isStorableText(u)) return t.failure(u, c, UNSTORABLE_TEXT_MESSAGE)
      const s = u.trim()
      const n = characterCount(s)
      return n >= min && n <= max ? t.success(s) : t.failure(u, c, `must be ${min} to ${max} characters`)
    },
    t.identity,
  ), { schema: { type: 'string', minLength: min, maxLength: max, description: 'trimmed of surrounding white space' } })

/** A string of [min, max] characters, taken as is (passwords: no trimming). */
export const stringOfLength = (min: number, max: number, name = `String{${min}..${max}}`) => described(
  new t.Type<string, string, unknown>(
    name,
    (u): u is string => DatabaseText.is(u) && u.length >= min && u.length <= max,
    (u, c) =>
      typeof u === 'string' && !isStorableText(u)
        ? t.failure(u, c, UNSTORABLE_TEXT_MESSAGE)
        : typeof u === 'string' && u.length >= min && u.length <= max
          ? t.success(u)
          : t.failure(u, c, `must be a string of ${min} to ${max} characters`),
    t.identity,
  ), { schema: { type: 'string', minLength: min, maxLength: max } })

/**
 * Where in the input an io-ts error is, as `a.b.0`: the keys of objects and arrays,
 * leaving out the branch numbers of unions and intersections (they are not places).
 * Empty for the value itself.
 */
export const codecErrorPath = (context: t.Context): string => {
  const keys: string[] = []
  for (let i = 1; i < context.length; i++) {
    const parent = context[i - 1]?.type
    if (!(parent instanceof t.UnionType || parent instanceof t.IntersectionType)) keys.push(context[i]?.key ?? '')
  }
  return keys.join('.')
}

// eslint-disable-next-line no-control-regex
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/
