import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import SwaggerParser from '@apidevtools/swagger-parser'
import Ajv2020 from 'ajv/dist/2020'
import addFormats from 'ajv-formats'
import { expect } from 'chai'
import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import type { OpenAPIV3_1 } from 'openapi-types'
import { toJsonSchema } from '../../adapters/http/openapi/json-schema'
import { openApiDocument } from '../../adapters/http/openapi/document'
import { OPERATIONS } from '../../adapters/http/openapi/operations'
import { problemCatalogue } from '../../adapters/http/openapi/problems'
import { CreateUserBody } from '../../adapters/http/routes/admin'
import { PageQuery } from '../../domain/page'
import { TierInput } from '../../domain/tier'
import { ImageResource } from '../../adapters/http/resources'
import { checkAgainstOpenApi, registerApiOrigin } from '../support/openapi-check'

const run = promisify(execFile)
const PUBLIC = 'http://127.0.0.1:8000'
const document = () => JSON.parse(JSON.stringify(openApiDocument(PUBLIC)))

describe('OpenAPI document (derived from the codecs)', function () {
  this.timeout(120_000)

  it('is a valid OpenAPI 3.1 document (swagger-parser)', async () => {
    const doc: OpenAPIV3_1.Document = document()
    const api = await SwaggerParser.validate(doc)
    expect(Reflect.get(api, 'openapi')).to.equal('3.1.0')
    expect(Object.keys(api.paths ?? {})).to.have.length.greaterThan(20)
  })

  it('passes redocly lint with the recommended rules (the four operations that cannot fail are the only warnings)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'imgtier-openapi-'))
    try {
      const file = path.join(dir, 'openapi.json')
      writeFileSync(file, JSON.stringify(document()))
      const cli = require.resolve('@redocly/cli/bin/cli.js')
      const { stdout } = await run(process.execPath, [cli, 'lint', '--extends=recommended', '--format=json', file], {
        cwd: dir,
        // Offline and quiet: no telemetry, no update check.
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
        maxBuffer: 32 * 1024 * 1024,
      }).catch((err: { stdout?: string; stderr?: string }) => { throw new Error(`redocly lint failed: ${err.stdout?.slice(0, 3000)} ${err.stderr?.slice(0, 1000)}`) })
      const report = JSON.parse(stdout.slice(stdout.indexOf('{')))
      const problems: { ruleId: string; severity: string; location: { pointer: string }[] }[] = report.problems
      const unexpected = problems.filter((p) => !(p.ruleId === 'operation-4xx-response' && /\/paths\/~1(healthz|readyz|openapi\.json|docs)\//.test(p.location[0]?.pointer ?? '')))
      expect(unexpected.map((p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer}`)).to.deep.equal([])
      expect(report.totals.errors).to.equal(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('says what the edge really decodes: required fields, closed objects, bounds from the domain', () => {
    const doc = document()
    const s = doc.components.schemas
    expect(s.TierInput.required).to.have.members(['name', 'thumbnailHeights'])
    expect(s.TierInput.additionalProperties).to.equal(false)
    expect(s.TierInput.properties.thumbnailHeights).to.include({ type: 'array', minItems: 1, maxItems: 20, uniqueItems: true })
    expect(s.TierInput.properties.thumbnailHeights.items).to.deep.equal({ type: 'integer', minimum: 16, maximum: 4096 })
    expect(s.CreateUserRequest.properties.role).to.deep.equal({ type: 'string', enum: ['user', 'admin', 'auditor'] })
    expect(s.Image.required).to.have.members(['id', 'name', 'format', 'width', 'height', 'bytes', 'createdAt', 'links'])
    expect(s.Image.properties.links).to.deep.equal({ $ref: '#/components/schemas/ImageLinks' })
    expect(s.ImageLinks.required).to.deep.equal(['thumbnails'])
    expect(s.ImageLinks.properties.expiringLinks.required).to.deep.equal(['thumbnails'])
    expect(s.ImageLinks.properties.thumbnails.propertyNames).to.deep.equal({ type: 'string', pattern: '^[1-9][0-9]*$' })
    const thumb = doc.paths['/images/{id}/thumbnails/{height}']
    expect(Object.keys(thumb)).to.have.members(['get', 'head'])
    expect(Object.keys(thumb.get.responses)).to.have.members(['200', '302', '304', '400', '401', '403', '404', '429', '502', '503'])
    expect(thumb.get.responses['200'].headers).to.have.keys('X-Request-Id', 'ETag', 'Cache-Control', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset')
    expect(thumb.get.responses['401'].headers).to.include.keys('WWW-Authenticate')
    expect(thumb.get.responses['429'].headers).to.include.keys('Retry-After')
    expect(thumb.get.responses['503'].description).to.include('thumbnail_timeout').and.include('service_unavailable')
    expect(doc.paths['/images'].post.responses['201'].headers).to.include.keys('Location')
    expect(Object.keys(doc.paths['/images'].post.responses)).to.include.members(['400', '401', '403', '413', '415', '422', '429', '503'])
    const ids = OPERATIONS.map((o) => o.operationId)
    expect(new Set(ids).size).to.equal(ids.length)
  })

  it('lists every route the routers serve, and nothing they do not', async () => {
    const { createHttpApp } = await import('../../adapters/http/app')
    const pino = (await import('pino')).default
    const app = createHttpApp({
      api: new Proxy({}, { get: () => () => () => Promise.resolve(E.left({ _tag: 'Unauthorized', reason: 'test' })) }) as never,
      logger: pino({ level: 'silent' }),
      settings: { publicUrl: PUBLIC, maxUploadBytes: 1024, secureCookies: false, trustProxy: false, refreshTtlSeconds: 60, corsOrigins: [] },
      readiness: [],
    })
    const routed = new Set<string>()
    for (const router of app.routers) {
      for (const layer of router.stack) {
        const methods: string[] = layer.methods
        for (const m of methods) {
          if (m === 'HEAD' && methods.includes('GET')) continue
          routed.add(`${m} ${String(layer.path).replace(/:(\w+)/g, '{$1}').replace(/(.)\/$/, '$1')}`)
        }
      }
    }
    const documented = new Set(OPERATIONS.filter((o) => o.method !== 'head').map((o) => `${o.method.toUpperCase()} ${o.path}`))
    expect([...routed].sort()).to.deep.equal([...documented].sort())
  })
})

describe('problem catalogue', () => {
  it('knows every problem code the HTTP edge makes by hand, with its status (method_not_allowed is no operation\'s)', () => {
    const catalogue = problemCatalogue()
    const dir = path.join(__dirname, '../../adapters/http')
    const sources = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(path.join(dir, f), 'utf8'))
    const made = sources.flatMap((src) => [...src.matchAll(/problem\((\d{3}), '([a-z_]+)'/g)].map((m) => ({ status: Number(m[1]), code: m[2] ?? '' })))
    expect(made.length).to.be.greaterThan(5)
    for (const { status, code } of made.filter((p) => p.code !== 'method_not_allowed')) {
      expect(catalogue.get(code)?.status, `${code}: add it to EDGE in adapters/http/openapi/problems.ts`).to.equal(status)
    }
  })
})

describe('io-ts → JSON Schema', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true })
  addFormats(ajv)

  /**
   * The schema accepts exactly what the codec accepts, on these samples. (Exact codecs strip
   * unknown keys where the schema refuses them: the edge refuses them too, with unknownFields.)
   */
  const agree = (codec: t.Mixed, samples: unknown[]) => {
    const validate = ajv.compile(toJsonSchema(codec))
    for (const sample of samples) expect(validate(sample), JSON.stringify(sample)).to.equal(E.isRight(codec.decode(sample)))
  }

  it('type, partial, strict, intersection, union, literal, keyof, array, record, Int', () => {
    agree(t.type({ a: t.string, b: t.union([t.number, t.null]) }), [{ a: 'x', b: 1 }, { a: 'x', b: null }, { a: 'x' }, { b: 1 }, { a: 1, b: 1 }, 'x'])
    agree(t.partial({ a: t.boolean }), [{}, { a: true }, { a: 'yes' }, { other: 1 }])
    agree(t.strict({ k: t.literal('v') }), [{ k: 'v' }, { k: 'w' }])
    agree(t.array(t.Int), [[1, 2], [1.5], [], ['1']])
    agree(t.record(t.string, t.keyof({ ok: null, down: null })), [{ a: 'ok' }, { a: 'up' }, {}])
    const closed = toJsonSchema(t.intersection([t.strict({ a: t.string }), t.exact(t.partial({ b: t.number }))]))
    expect(closed).to.deep.equal({ type: 'object', required: ['a'], properties: { a: { type: 'string' }, b: { type: 'number' } }, additionalProperties: false })
  })

  it('the domain codecs carry their own description (bounds, patterns, formats)', () => {
    agree(TierInput, [
      { name: 'Gold', thumbnailHeights: [200] },
      { name: 'Gold', thumbnailHeights: [8] },
      { name: 'Gold', thumbnailHeights: [200, 200] },
      { name: '', thumbnailHeights: [200] },
      { name: 'Gold', thumbnailHeights: [200], expiringLinkSeconds: { min: 60, max: 604800 } },
      { name: 'Gold', thumbnailHeights: [200], expiringLinkSeconds: { min: 59, max: 600 } },
    ])
    agree(CreateUserBody, [
      { username: 'ada', password: 'long-enough' },
      { username: 'a d', password: 'long-enough' },
      { username: 'ada', password: 'short' },
      { username: 'ada', password: 'long-enough', role: 'root' },
      { username: 'ada', password: 'long-enough', tierId: '00000000-0000-4000-8000-000000000000' },
      { username: 'ada', password: 'long-enough', tierId: 'nope' },
    ])
    expect(toJsonSchema(PageQuery).properties).to.deep.include({ limit: { type: 'integer', minimum: 1, maximum: 100 } })
  })

  it('refuses a codec it cannot read instead of describing it wrongly', () => {
    const opaque = new t.Type<string, string, unknown>('Opaque', (u): u is string => typeof u === 'string', (u, c) => t.failure(u, c), String)
    expect(() => toJsonSchema(t.strict({ a: opaque }))).to.throw(/Opaque/)
  })

  it('references named codecs instead of inlining them', () => {
    const schema = toJsonSchema(t.strict({ image: ImageResource }), (c) => (c === ImageResource ? 'Image' : undefined))
    expect(schema).to.deep.equal({ type: 'object', required: ['image'], properties: { image: { $ref: '#/components/schemas/Image' } }, additionalProperties: false })
  })
})

describe('the e2e answer check (test/support/openapi-check.ts)', () => {
  const origin = 'http://127.0.0.1:1'
  registerApiOrigin(origin)
  const headers = (h: Record<string, string>) => new Headers({ 'x-request-id': 'r-1', ...h })
  const problem = (status: number, code: string, extra: object = {}) =>
    Buffer.from(JSON.stringify({ type: `urn:imgtier:problem:${code}`, title: 't', status, detail: 'd', code, requestId: 'r-1', ...extra }))

  it('accepts a documented answer', () => {
    checkAgainstOpenApi({ method: 'GET', url: `${origin}/healthz`, status: 200, headers: headers({ 'content-type': 'application/json' }), body: Buffer.from('{"status":"ok"}') })
    checkAgainstOpenApi({ method: 'GET', url: `${origin}/me`, status: 401, headers: headers({ 'content-type': 'application/problem+json', 'www-authenticate': 'Bearer realm="imgtier"' }), body: problem(401, 'unauthorized') })
  })

  it('refuses an undocumented status, a missing header, an extra field and a wrong type', () => {
    const json = { 'content-type': 'application/json' }
    expect(() => checkAgainstOpenApi({ method: 'GET', url: `${origin}/healthz`, status: 418, headers: headers(json), body: Buffer.from('{}') })).to.throw(/status 418 is not documented/)
    expect(() => checkAgainstOpenApi({ method: 'GET', url: `${origin}/me`, status: 401, headers: headers({ 'content-type': 'application/problem+json' }), body: problem(401, 'unauthorized') })).to.throw(/WWW-Authenticate is missing/)
    expect(() => checkAgainstOpenApi({ method: 'GET', url: `${origin}/healthz`, status: 200, headers: headers(json), body: Buffer.from('{"status":"ok","extra":1}') })).to.throw(/additional properties/)
    expect(() => checkAgainstOpenApi({ method: 'GET', url: `${origin}/healthz`, status: 200, headers: new Headers(json), body: Buffer.from('{"status":"ok"}') })).to.throw(/X-Request-Id/)
    expect(() => checkAgainstOpenApi({ method: 'GET', url: `${origin}/healthz`, status: 200, headers: headers({ 'content-type': 'text/html' }), body: Buffer.from('<p>') })).to.throw(/content type/)
    expect(() => checkAgainstOpenApi({ method: 'GET', url: `${origin}/images/00000000-0000-4000-8000-000000000000`, status: 404, headers: headers({ 'content-type': 'application/problem+json' }), body: problem(404, 'not_found', { status: '404' }) })).to.throw(/body/)
  })
})
