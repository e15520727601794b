import * as t from 'io-ts'
import type { JsonSchemaHint } from '../../../domain/codecs'

export type JsonSchema = Record<string, unknown>

/** Names a codec that has its own entry in components.schemas (then it is referenced, not inlined). */
export type RefOf = (codec: t.Mixed) => string | undefined

const hintOf = (codec: t.Mixed): JsonSchemaHint | undefined => {
  const hint: unknown = Reflect.get(codec, 'jsonSchemaHint')
  return typeof hint === 'object' && hint !== null ? hint : undefined
}

/**
 * The JSON Schema (2020-12, as OpenAPI 3.1 uses) of what an io-ts codec accepts. Walks
 * the structure io-ts types carry: `t.type` (every key required), `t.partial`,
 * `t.strict`/`t.exact` (no other keys), intersections (merged), unions, literals, keyof,
 * arrays, records, `t.Int`; a hand-written codec says what it accepts with `described`
 * (domain/codecs.ts). A codec it cannot read is a bug in the description: it throws.
 */
export const toJsonSchema = (codec: t.Mixed, refOf: RefOf = () => undefined, root = true): JsonSchema => {
  const ref = root ? undefined : refOf(codec)
  if (ref !== undefined) return { $ref: `#/components/schemas/${ref}` }
  const walk = (c: t.Mixed) => toJsonSchema(c, refOf, false)
  const hint = hintOf(codec)
  if (hint) return { ...(hint.like ? walk(hint.like) : {}), ...(hint.schema ?? {}) }
  if (codec === t.Int) return { type: 'integer' }
  if (codec instanceof t.StringType) return { type: 'string' }
  if (codec instanceof t.NumberType) return { type: 'number' }
  if (codec instanceof t.BooleanType) return { type: 'boolean' }
  if (codec instanceof t.NullType) return { type: 'null' }
  if (codec instanceof t.UnknownType) return {}
  if (codec instanceof t.LiteralType) return { const: codec.value }
  if (codec instanceof t.KeyofType) return { type: 'string', enum: Object.keys(codec.keys) }
  if (codec instanceof t.ArrayType || codec instanceof t.ReadonlyArrayType) return { type: 'array', items: walk(codec.type) }
  if (codec instanceof t.ReadonlyType || codec instanceof t.RefinementType) return walk(codec.type)
  if (codec instanceof t.InterfaceType) return objectOf(codec.props, true, walk)
  if (codec instanceof t.PartialType) return objectOf(codec.props, false, walk)
  if (codec instanceof t.ExactType) return { ...walk(codec.type), additionalProperties: false }
  // The parts of an intersection are inlined (merged), whatever their own names.
  if (codec instanceof t.IntersectionType) return mergeObjects(codec.types.map((part: t.Mixed) => toJsonSchema(part, refOf, true)))
  if (codec instanceof t.UnionType) {
    const options: JsonSchema[] = codec.types.map(walk)
    return options.every((o) => 'const' in o) ? { enum: options.map((o) => o.const) } : { anyOf: options }
  }
  if (codec instanceof t.DictionaryType) {
    const domain = walk(codec.domain)
    return {
      type: 'object',
      additionalProperties: walk(codec.codomain),
      ...(Object.keys(domain).length > 1 || domain.type !== 'string' ? { propertyNames: domain } : {}),
    }
  }
  throw new Error(`toJsonSchema: cannot describe the codec ${codec.name}; give it a hint with described() (domain/codecs.ts)`)
}

const objectOf = (fields: Record<string, t.Mixed>, required: boolean, walk: (c: t.Mixed) => JsonSchema): JsonSchema => ({
  type: 'object',
  ...(required && Object.keys(fields).length > 0 ? { required: Object.keys(fields) } : {}),
  properties: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, walk(v)])),
})

/** An intersection of object schemas is one object: their properties and required keys together; closed when every part is. */
const mergeObjects = (parts: JsonSchema[]): JsonSchema => {
  if (!parts.every((p) => p.type === 'object' && typeof p.properties === 'object')) return { allOf: parts }
  const required = parts.flatMap((p): unknown[] => (Array.isArray(p.required) ? p.required : []))
  return {
    type: 'object',
    ...(required.length > 0 ? { required } : {}),
    properties: Object.assign({}, ...parts.map((p) => p.properties)),
    ...(parts.every((p) => p.additionalProperties === false) ? { additionalProperties: false } : {}),
  }
}
