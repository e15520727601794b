import * as t from 'io-ts'
import { NAME_MAX } from '../../../domain/image'
import { LIMIT_DEFAULT } from '../../../domain/page'
import { TierInput, TierPatch } from '../../../domain/tier'
import { problemBody, type Problem } from '../problem'
import {
  ExpiringLinkResource, FieldProblemResource, HealthResource, ImageLinksResource, ImagePage, ImageResource, MeResource,
  NotReadyResource, ProblemResource, ReadyResource, SessionResource, TierPage, TierResource, UserPage, UserResource,
} from '../resources'
import { CreateUserBody, UpdateUserBody } from '../routes/admin'
import { LoginBody, RefreshBody } from '../routes/auth'
import { toJsonSchema, type JsonSchema } from './json-schema'
import { ExpiringLinkBody, OPERATIONS, type OperationSpec } from './operations'
import { problemCatalogue } from './problems'
import { sampleResources } from './samples'

/** Codecs with their own entry in components.schemas, referenced wherever they appear. */
const NAMED: Readonly<Record<string, t.Mixed>> = {
  Image: ImageResource, ImageLinks: ImageLinksResource, ImagePage, Tier: TierResource, TierPage, User: UserResource, UserPage,
  Me: MeResource, Session: SessionResource, ExpiringLink: ExpiringLinkResource, Problem: ProblemResource,
  FieldProblem: FieldProblemResource, NotReady: NotReadyResource, Health: HealthResource, Ready: ReadyResource,
  LoginRequest: LoginBody, RefreshRequest: RefreshBody, TierInput, TierPatch, CreateUserRequest: CreateUserBody,
  UpdateUserRequest: UpdateUserBody, ExpiringLinkRequest: ExpiringLinkBody,
}
const names = new Map<t.Mixed, string>(Object.entries(NAMED).map(([name, codec]) => [codec, name]))
const schemaOf = (codec: t.Mixed): JsonSchema => toJsonSchema(codec, (c) => names.get(c), false)

const TAGS = [
  { name: 'auth', description: 'Log in, rotate and end sessions; who am I.' },
  { name: 'images', description: 'Upload, list, read and delete images; thumbnails and originals.' },
  { name: 'links', description: 'Expiring links: shareable, signed, no login needed.' },
  { name: 'admin', description: 'Tiers and users (admins; auditors read).' },
  { name: 'operations', description: 'Health, readiness, metrics and this description.' },
]

const header = (name: string) => ({ $ref: `#/components/headers/${name}` })
const HEADERS = {
  'X-Request-Id': { description: 'The request id: the caller\'s own when valid (≤ 128 characters of A–Z a–z 0–9 . _ : @ + = / -), else a UUID. Also in problem bodies and log lines.', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9._:@+=/-]{1,128}$' } },
  'RateLimit-Limit': { description: 'Requests allowed in the window (when rate limits are on)', schema: { type: 'string', pattern: '^[0-9]+$' } },
  'RateLimit-Remaining': { description: 'Requests left in the window', schema: { type: 'string', pattern: '^[0-9]+$' } },
  'RateLimit-Reset': { description: 'Seconds until the window resets', schema: { type: 'string', pattern: '^[0-9]+$' } },
  'Retry-After': { description: 'Seconds to wait before trying again', required: true, schema: { type: 'string', pattern: '^[0-9]+$' } },
  'WWW-Authenticate': { description: 'The Bearer challenge', required: true, schema: { type: 'string', pattern: '^Bearer' } },
  Location: { description: 'The absolute URL of the resource (created), or where to fetch the bytes (redirect)', required: true, schema: { type: 'string', format: 'uri' } },
  ETag: { description: 'A strong validator derived from the stored hash; send it back in If-None-Match', required: true, schema: { type: 'string' } },
  'Cache-Control': { description: 'Owner routes revalidate every time; a link\'s bytes never outlive the link', schema: { type: 'string' } },
  'Set-Cookie': { description: 'The httpOnly access and refresh cookies (set, or cleared on logout)', schema: { type: 'string' } },
}
type HeaderName = keyof typeof HEADERS

const withHeaders = (op: OperationSpec, names: readonly HeaderName[]) => ({
  headers: Object.fromEntries([
    ...(['X-Request-Id'] as const).map((n) => [n, header(n)]),
    ...(op.rateLimited ? (['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'] as const).map((n) => [n, header(n)]) : []),
    ...names.map((n) => [n, header(n)]),
  ]),
})

const SAFE = new Set(['get', 'head'])

/** The codes an operation answers: its own, and those its access, parameters, query and body imply. */
const codesOf = (op: OperationSpec): string[] => {
  const codes = new Set<string>(op.codes)
  const add = (...c: string[]) => c.forEach((x) => codes.add(x))
  if (op.access === 'user' || op.access === 'admin') {
    add('unauthorized', 'service_unavailable')
    if (!SAFE.has(op.method)) add('csrf_rejected')
  }
  if (op.access === 'admin') add('admin_only', ...(SAFE.has(op.method) ? [] : ['read_only_admin']))
  if (op.access === 'operator') add('unauthorized')
  if (op.rateLimited) add('rate_limited')
  if (op.params && Object.keys(op.params).some((k) => k !== 'token' && k !== 'height')) add('not_found')
  if (op.query) add('invalid_request')
  if (op.body && 'json' in op.body) add('invalid_request', 'payload_too_large', 'unsupported_media_type')
  return [...codes]
}

const problemResponses = (op: OperationSpec, catalogue: ReadonlyMap<string, Problem>) => {
  const byStatus = new Map<number, Problem[]>()
  for (const code of codesOf(op)) {
    const sample = catalogue.get(code)
    if (!sample) throw new Error(`openapi: ${op.operationId} names the unknown problem code ${code}`)
    byStatus.set(sample.status, [...(byStatus.get(sample.status) ?? []), sample])
  }
  return Object.fromEntries([...byStatus.entries()].sort(([a], [b]) => a - b).map(([status, problems]) => {
    const extra: HeaderName[] = [
      ...(status === 401 ? ['WWW-Authenticate' as const] : []),
      ...(status === 429 ? ['Retry-After' as const] : []),
    ]
    const schema = op.operationId === 'readiness' ? schemaOf(NotReadyResource) : schemaOf(ProblemResource)
    return [String(status), {
      description: problems.map((p) => `\`${p.code}\`: ${p.title}`).join('; '),
      ...withHeaders(op, extra),
      ...(op.method === 'head' ? {} : {
        content: {
          'application/problem+json': {
            schema,
            examples: Object.fromEntries(problems.map((p) => [p.code, {
              summary: p.title,
              value: { ...problemBody(p, 'sample-request-id'), ...(op.operationId === 'readiness' ? { checks: { database: 'down', storage: 'ok' } } : {}) },
            }])),
          },
        },
      }),
    }]
  }))
}

const BYTES_CONTENT = {
  'image/jpeg': { schema: { type: 'string', contentMediaType: 'image/jpeg' } },
  'image/png': { schema: { type: 'string', contentMediaType: 'image/png' } },
}

const successResponses = (op: OperationSpec, examples: ReadonlyMap<t.Mixed, unknown>) => {
  const s = op.success
  const cookies: HeaderName[] = 'cookies' in s && s.cookies ? ['Set-Cookie'] : []
  switch (s.kind) {
    case 'json': {
      const example = examples.get(s.codec)
      return {
        [String(s.status)]: {
          description: s.description,
          ...withHeaders(op, [...(s.location ? ['Location' as const] : []), ...cookies]),
          content: { 'application/json': { schema: schemaOf(s.codec), ...(example !== undefined ? { example } : {}) } },
        },
      }
    }
    case 'empty': return { 204: { description: s.description, ...withHeaders(op, cookies) } }
    case 'text': return {
      200: {
        description: s.description, ...withHeaders(op, []),
        content: Object.fromEntries(s.contentTypes.map((type) => [type, { schema: { type: type.endsWith('json') ? 'object' : 'string' } }])),
      },
    }
    case 'bytes': return {
      200: { description: s.description, ...withHeaders(op, ['ETag', 'Cache-Control']), ...(op.method === 'head' ? {} : { content: BYTES_CONTENT }) },
      302: { description: 'Redirect delivery (IMGTIER_DELIVERY=redirect): a short-lived presigned URL', ...withHeaders(op, ['Location', 'ETag', 'Cache-Control']) },
      304: { description: 'Not modified: the If-None-Match tag matches', ...withHeaders(op, ['ETag', 'Cache-Control']) },
    }
  }
}

const parametersOf = (op: OperationSpec) => [
  ...Object.entries(op.params ?? {}).map(([name, p]) => ({ name, in: 'path', required: true, description: p.description, schema: schemaOf(p.codec) })),
  ...(op.query instanceof t.ExactType && op.query.type instanceof t.PartialType
    ? Object.entries<t.Mixed>(op.query.type.props).map(([name, codec]) => ({
        name, in: 'query', required: false,
        description: name === 'limit' ? `Page size (default ${LIMIT_DEFAULT})` : name === 'cursor' ? 'Keyset paging: empty for the first page, then the cursors in next/previous' : 'Items to skip',
        schema: schemaOf(codec),
      }))
    : []),
]

const requestBodyOf = (op: OperationSpec) => {
  if (!op.body) return {}
  if ('multipart' in op.body) {
    return {
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object', required: ['image'],
              properties: {
                image: { type: 'string', contentMediaType: 'application/octet-stream', description: 'One JPEG or PNG file' },
                name: { type: 'string', maxLength: NAME_MAX, description: 'Defaults to the file name without its extension' },
              },
            },
          },
        },
      },
    }
  }
  return { requestBody: { required: op.body.optional !== true, content: { 'application/json': { schema: schemaOf(op.body.json) } } } }
}

const securityOf = (op: OperationSpec) => {
  switch (op.access) {
    case 'anyone': return []
    case 'user':
    case 'admin': return [{ bearerAuth: [] }, { cookieAuth: [] }]
    case 'operator': return [{ metricsToken: [] }, {}]
  }
}

/**
 * The OpenAPI 3.1 description of the HTTP API, derived from the codecs the edge decodes
 * and encodes with (resources.ts, the route codecs, the domain codecs), the problem
 * catalogue (problemOf itself) and the operation table.
 */
export const openApiDocument = (publicUrl: string) => {
  const catalogue = problemCatalogue()
  const examples = sampleResources(publicUrl)
  const paths: Record<string, Record<string, unknown>> = {}
  for (const op of OPERATIONS) {
    paths[op.path] = {
      ...paths[op.path],
      [op.method]: {
        operationId: op.operationId,
        tags: [op.tag],
        summary: op.summary,
        ...(op.description ? { description: op.description } : {}),
        security: securityOf(op),
        ...(op.params || op.query ? { parameters: parametersOf(op) } : {}),
        ...requestBodyOf(op),
        responses: { ...successResponses(op, examples), ...problemResponses(op, catalogue) },
      },
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'imgtier',
      version: '1',
      description: 'Upload JPEG and PNG images; your tier decides which thumbnails, which link to the original and which expiring links you get. Errors are RFC 9457 problems with a stable `code`.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: publicUrl, description: 'This instance (IMGTIER_PUBLIC_URL)' }],
    tags: TAGS,
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The accessToken from POST /auth/login' },
        cookieAuth: { type: 'apiKey', in: 'cookie', name: 'imgtier_access', description: 'The httpOnly cookie POST /auth/login sets (a change also needs a JSON body or X-Requested-With)' },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'IMGTIER_METRICS_TOKEN, when set' },
      },
      headers: HEADERS,
      schemas: Object.fromEntries(Object.entries(NAMED).map(([name, codec]) => [name, toJsonSchema(codec, (c) => names.get(c), true)])),
    },
  }
}
