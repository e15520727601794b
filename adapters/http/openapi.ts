/**
 * The OpenAPI 3.1 description of the HTTP API (DESIGN.md §3). Written by hand and kept
 * next to the routes; test/e2e checks that every documented path answers.
 */
const problemRef = { $ref: '#/components/responses/Problem' }
const json = (schema: object) => ({ content: { 'application/json': { schema } } })
const bytes = { content: { 'image/jpeg': {}, 'image/png': {} } }
const id = (name: string) => ({ name, in: 'path', required: true, schema: { type: 'string', format: 'uuid' } })
const height = { name: 'height', in: 'path', required: true, schema: { type: 'integer', minimum: 16, maximum: 4096 } }
const bearer = [{ bearer: [] }, { cookie: [] }]
const envelopeOf = (item: string) => ({
  type: 'object',
  required: ['count', 'next', 'previous', 'results'],
  properties: {
    count: { type: 'integer' },
    next: { type: ['string', 'null'], format: 'uri' },
    previous: { type: ['string', 'null'], format: 'uri' },
    results: { type: 'array', items: { $ref: `#/components/schemas/${item}` } },
  },
})
const errors = (...statuses: number[]) => Object.fromEntries(statuses.map((s) => [String(s), problemRef]))
const expiringLink = (summary: string, params: object[]) => ({
  post: {
    summary, security: bearer, parameters: params,
    requestBody: json({ type: 'object', required: ['expiresIn'], properties: { expiresIn: { type: 'integer', minimum: 60, maximum: 604800 } } }),
    responses: { 201: json({ type: 'object', properties: { url: { type: 'string', format: 'uri' }, expiresAt: { type: 'string', format: 'date-time' } } }), ...errors(400, 401, 403, 404) },
  },
})
const bytesOp = (summary: string, params: object[], extra: number[]) => ({
  summary, security: bearer, parameters: params,
  responses: { 200: bytes, 302: { description: 'Redirect to a presigned URL (redirect delivery)' }, 304: { description: 'Not modified' }, ...errors(401, 404, ...extra) },
})

export const openApiDocument = (publicUrl: string) => ({
  openapi: '3.1.0',
  info: { title: 'imgtier', version: '1', description: 'Upload JPEG/PNG images; your tier decides thumbnails, original access and expiring links.' },
  servers: [{ url: publicUrl }],
  paths: {
    '/auth/login': { post: { summary: 'Log in', requestBody: json({ type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string' } } }), responses: { 200: json({ $ref: '#/components/schemas/Session' }), ...errors(400, 401, 429) } } },
    '/auth/refresh': { post: { summary: 'Rotate the refresh token (body or cookie)', responses: { 200: json({ $ref: '#/components/schemas/Session' }), ...errors(401) } } },
    '/auth/logout': { post: { summary: 'Log out', security: bearer, responses: { 204: { description: 'Logged out' }, ...errors(401) } } },
    '/me': { get: { summary: 'Who am I, and what my tier allows', security: bearer, responses: { 200: json({ $ref: '#/components/schemas/Me' }), ...errors(401) } } },
    '/images': {
      get: { summary: 'List my images, newest first', security: bearer, parameters: [
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
        { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0 } },
        { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'Keyset paging: empty for the first page, then the cursors in next/previous' },
      ], responses: { 200: json(envelopeOf('Image')), ...errors(400, 401) } },
      post: { summary: 'Upload a JPEG or PNG', security: bearer, requestBody: { content: { 'multipart/form-data': { schema: { type: 'object', required: ['image'], properties: { image: { type: 'string', format: 'binary' }, name: { type: 'string', maxLength: 255 } } } } } },
        responses: { 201: json({ $ref: '#/components/schemas/Image' }), ...errors(400, 401, 413, 415, 422) } },
    },
    '/images/{id}': {
      get: { summary: 'One of my images', security: bearer, parameters: [id('id')], responses: { 200: json({ $ref: '#/components/schemas/Image' }), ...errors(401, 404) } },
      delete: { summary: 'Delete an image, its thumbnails and its links', security: bearer, parameters: [id('id')], responses: { 204: { description: 'Deleted' }, ...errors(401, 404) } },
    },
    '/images/{id}/thumbnails/{height}': { get: bytesOp('A thumbnail (rendered on first request)', [id('id'), height], [400, 403]) },
    '/images/{id}/original': { get: bytesOp('The original bytes', [id('id')], [403]) },
    '/images/{id}/thumbnails/{height}/expiring-links': expiringLink('Create an expiring link to a thumbnail', [id('id'), height]),
    '/images/{id}/original/expiring-links': expiringLink('Create an expiring link to the original', [id('id')]),
    '/links/{token}': { get: { summary: 'Open an expiring link (no login)', parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: bytes, 302: { description: 'Redirect (redirect delivery)' }, ...errors(403, 404, 410) } } },
    '/admin/tiers': {
      get: { summary: 'List tiers', security: bearer, responses: { 200: json(envelopeOf('Tier')), ...errors(401, 403) } },
      post: { summary: 'Create a tier', security: bearer, requestBody: json({ $ref: '#/components/schemas/TierInput' }), responses: { 201: json({ $ref: '#/components/schemas/Tier' }), ...errors(400, 401, 403, 409) } },
    },
    '/admin/tiers/{id}': {
      get: { summary: 'One tier', security: bearer, parameters: [id('id')], responses: { 200: json({ $ref: '#/components/schemas/Tier' }), ...errors(401, 403, 404) } },
      patch: { summary: 'Edit a tier (applies on the next request)', security: bearer, parameters: [id('id')], requestBody: json({ $ref: '#/components/schemas/TierInput' }), responses: { 200: json({ $ref: '#/components/schemas/Tier' }), ...errors(400, 401, 403, 404, 409) } },
      delete: { summary: 'Delete an unused tier', security: bearer, parameters: [id('id')], responses: { 204: { description: 'Deleted' }, ...errors(401, 403, 404, 409) } },
    },
    '/admin/users': {
      get: { summary: 'List users', security: bearer, responses: { 200: json(envelopeOf('User')), ...errors(401, 403) } },
      post: { summary: 'Create a user', security: bearer, requestBody: json({ type: 'object', required: ['username', 'password'], properties: { username: { type: 'string' }, password: { type: 'string', minLength: 8 }, tierId: { type: 'string', format: 'uuid' }, role: { enum: ['user', 'admin', 'auditor'] }, active: { type: 'boolean' } } }), responses: { 201: json({ $ref: '#/components/schemas/User' }), ...errors(400, 401, 403, 409) } },
    },
    '/admin/users/{id}': {
      get: { summary: 'One user', security: bearer, parameters: [id('id')], responses: { 200: json({ $ref: '#/components/schemas/User' }), ...errors(401, 403, 404) } },
      patch: { summary: 'Move tier, change role or password, (de)activate', security: bearer, parameters: [id('id')], requestBody: json({ type: 'object', properties: { tierId: { type: 'string', format: 'uuid' }, role: { enum: ['user', 'admin', 'auditor'] }, password: { type: 'string' }, active: { type: 'boolean' } } }), responses: { 200: json({ $ref: '#/components/schemas/User' }), ...errors(400, 401, 403, 404, 409) } },
      delete: { summary: 'Delete a user and their images', security: bearer, parameters: [id('id')], responses: { 204: { description: 'Deleted' }, ...errors(401, 403, 404, 409) } },
    },
    '/healthz': { get: { summary: 'Liveness', responses: { 200: json({ type: 'object' }) } } },
    '/readyz': { get: { summary: 'Readiness (database and storage)', responses: { 200: json({ type: 'object' }), ...errors(503) } } },
    '/metrics': { get: { summary: 'Prometheus metrics', responses: { 200: { content: { 'text/plain': {} } }, ...errors(401) } } },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, cookie: { type: 'apiKey', in: 'cookie', name: 'imgtier_access' } },
    responses: { Problem: { description: 'RFC 9457 problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } } },
    schemas: {
      Problem: { type: 'object', required: ['type', 'title', 'status', 'detail', 'code'], properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, code: { type: 'string' }, errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } } } },
      Tier: { type: 'object', properties: { id: { type: 'string', format: 'uuid' }, name: { type: 'string' }, thumbnailHeights: { type: 'array', items: { type: 'integer' } }, originalLink: { type: 'boolean' }, expiringLinks: { type: 'boolean' }, expiringLinkSeconds: { type: 'object', properties: { min: { type: 'integer' }, max: { type: 'integer' } } } } },
      TierInput: { type: 'object', properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, thumbnailHeights: { type: 'array', minItems: 1, maxItems: 20, uniqueItems: true, items: { type: 'integer', minimum: 16, maximum: 4096 } }, originalLink: { type: 'boolean' }, expiringLinks: { type: 'boolean' }, expiringLinkSeconds: { type: 'object', properties: { min: { type: 'integer', minimum: 60 }, max: { type: 'integer', maximum: 604800 } } } } },
      User: { type: 'object', properties: { id: { type: 'string', format: 'uuid' }, username: { type: 'string' }, role: { enum: ['user', 'admin', 'auditor'] }, active: { type: 'boolean' }, tierId: { type: 'string', format: 'uuid' }, createdAt: { type: 'string', format: 'date-time' } } },
      Me: { type: 'object', properties: { id: { type: 'string' }, username: { type: 'string' }, role: { type: 'string' }, tier: { $ref: '#/components/schemas/Tier' } } },
      Session: { type: 'object', properties: { accessToken: { type: 'string' }, refreshToken: { type: 'string' }, tokenType: { const: 'Bearer' }, expiresIn: { type: 'integer' }, user: { $ref: '#/components/schemas/Me' } } },
      Image: { type: 'object', properties: { id: { type: 'string', format: 'uuid' }, name: { type: 'string' }, format: { enum: ['jpeg', 'png'] }, width: { type: 'integer' }, height: { type: 'integer' }, bytes: { type: 'integer' }, createdAt: { type: 'string', format: 'date-time' }, links: { type: 'object', description: 'Only the keys the owner\'s tier allows' } } },
    },
  },
})
