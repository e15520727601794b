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

/** A string whose length (after trimming) is within [min, max]; yields the trimmed string. */
export const trimmedString = (min: number, max: number, name = `String[${min}..${max}]`) => described(
  new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === 'string' && u.trim().length >= min && u.trim().length <= max,
    (u, c) => {
      if (typeof u !== 'string') return t.failure(u, c, 'must be a string')
      const s = u.trim()
      return s.length >= min && s.length <= max ? t.success(s) : t.failure(u, c, `must be ${min} to ${max} characters`)
    },
    t.identity,
  ), { schema: { type: 'string', minLength: min, maxLength: max, description: 'trimmed of surrounding white space' } })

/** A string of [min, max] characters, taken as is (passwords: no trimming). */
export const stringOfLength = (min: number, max: number, name = `String{${min}..${max}}`) => described(
  new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === 'string' && u.length >= min && u.length <= max,
    (u, c) =>
      typeof u === 'string' && u.length >= min && u.length <= max
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
