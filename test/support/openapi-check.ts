import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020'
import addFormats from 'ajv-formats'
import { openApiDocument } from '../../adapters/http/openapi/document'

/**
 * Holds every answer the e2e suites receive from an imgtier server to the OpenAPI
 * document: the status must be one the operation documents, documented required headers
 * present, every documented header well-formed, the body of the documented media type
 * and valid against its schema (ajv, strict; the resources are closed objects).
 */

type Json = Record<string, unknown>
interface Doc {
  readonly paths: Record<string, Record<string, Json>>
  readonly components: { readonly headers: Record<string, Json> }
}
/** Read as a client reads it: as JSON. */
const DOC: Doc = JSON.parse(JSON.stringify(openApiDocument('http://imgtier.invalid')))

/** Origins of imgtier servers the suites started (other hosts, S3 or Lambda, are not ours to check). */
const apiOrigins = new Set<string>()
export const registerApiOrigin = (url: string): void => { apiOrigins.add(new URL(url).origin) }

const ajv = new Ajv2020({ strict: true, allErrors: true })
addFormats(ajv)
// The document's own fields are not schema keywords; they are known here so strict mode accepts the root.
ajv.addVocabulary(['openapi', 'info', 'servers', 'tags', 'paths', 'components'])
ajv.addSchema(DOC, 'doc')

const validators = new Map<string, ValidateFunction>()
const validatorAt = (pointer: string): ValidateFunction => {
  let v = validators.get(pointer)
  if (!v) {
    v = ajv.compile({ $ref: `doc#${pointer}` })
    validators.set(pointer, v)
  }
  return v
}
const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1')

const templates = Object.keys(DOC.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
}))

const operationOf = (method: string, path: string): { template: string; method: string; op: Json } | undefined => {
  const found = templates.find((t) => t.pattern.test(path))
  if (!found) return undefined
  const item = DOC.paths[found.template] ?? {}
  const m = method.toLowerCase()
  // Koa answers HEAD wherever it answers GET: the GET operation, without its body.
  const op = item[m] ?? (m === 'head' ? item.get : undefined)
  return op ? { template: found.template, method: item[m] ? m : 'get', op } : undefined
}

/** A member of the document read as an object (absent or not an object: empty). */
const member = (of: Json, key: string): Json => {
  const v = of[key]
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v)) : {}
}

const headerSpec = (ref: unknown): Json => {
  const name = typeof ref === 'object' && ref !== null && '$ref' in ref ? String(ref.$ref).split('/').pop() ?? '' : ''
  return DOC.components.headers[name] ?? {}
}

export interface Observed {
  readonly method: string
  readonly url: string
  readonly status: number
  readonly headers: Headers
  readonly body: Buffer
}

/** Throws, naming the operation and what disagrees, when an answer does not match the document. */
export const checkAgainstOpenApi = (r: Observed): void => {
  const url = new URL(r.url)
  if (!apiOrigins.has(url.origin)) return
  const where = `${r.method} ${url.pathname} → ${r.status}`
  const fail = (why: string): never => { throw new Error(`OpenAPI: ${where}: ${why} (body: ${r.body.toString('utf8').slice(0, 300)})`) }
  if (!r.headers.get('x-request-id')) fail('no X-Request-Id header')
  const type = (r.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? ''
  const found = operationOf(r.method, url.pathname)
  if (!found) {
    // Not an operation: an unknown path (404), a method the path lacks (405), or OPTIONS (204, Allow).
    if (r.method === 'OPTIONS' && r.status === 204) return
    if (r.status !== 404 && r.status !== 405) fail('no documented operation answers this, and it is not a 404 or 405')
    if (r.method !== 'HEAD') validateBody('/components/schemas/Problem', type === 'application/problem+json' ? r.body : fail(`content type ${type}`))
    return
  }
  const pointer = `/paths/${escape(found.template)}/${found.method}/responses/${r.status}`
  const responses = member(found.op, 'responses')
  const response = String(r.status) in responses ? member(responses, String(r.status)) : fail(`status ${r.status} is not documented for ${found.method.toUpperCase()} ${found.template}`)
  for (const [name, ref] of Object.entries(member(response, 'headers'))) {
    const spec = headerSpec(ref)
    const value = r.headers.get(name)
    if (value === null) {
      if (spec.required === true) fail(`the documented header ${name} is missing`)
      continue
    }
    const v = validatorAt(`/components/headers/${escape(name)}/schema`)
    if (!v(value)) fail(`header ${name}: ${ajv.errorsText(v.errors)}`)
  }
  const content = 'content' in response ? member(response, 'content') : undefined
  if (r.method === 'HEAD') return
  if (!content) {
    if (r.body.length > 0) fail('a body where the document promises none')
    return
  }
  if (!(type in content)) fail(`content type "${type}" is not one of ${Object.keys(content).join(', ')}`)
  if (/json$/.test(type)) validateBody(`${pointer}/content/${escape(type)}/schema`, r.body, fail)
}

const validateBody = (pointer: string, body: Buffer, fail: (why: string) => never = (why) => { throw new Error(why) }): void => {
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    fail('the body is not JSON')
  }
  const v = validatorAt(pointer)
  if (!v(parsed)) fail(`body: ${ajv.errorsText(v.errors, { dataVar: 'body' })}`)
}
