import * as t from 'io-ts'
import { intBetween } from '../../../domain/codecs'
import { Uuid } from '../../../domain/ids'
import { PageQuery } from '../../../domain/page'
import { EXPIRY_CEILING, EXPIRY_FLOOR, Height, TierInput, TierPatch } from '../../../domain/tier'
import {
  ExpiringLinkResource, HealthResource, ImagePage, ImageResource, MeResource, NotReadyResource, ReadyResource,
  SessionResource, TierPage, TierResource, UserPage, UserResource,
} from '../resources'
import { CreateUserBody, ListQuery, UpdateUserBody } from '../routes/admin'
import { LoginBody, RefreshBody } from '../routes/auth'
import { DOCS_ASSETS } from '../routes/docs'

export type Method = 'get' | 'head' | 'post' | 'patch' | 'delete'

/** Who may call: nobody in particular, a logged-in user, an admin (auditors read), the metrics scraper. */
export type Access = 'anyone' | 'user' | 'admin' | 'operator'

export type Success =
  | { readonly kind: 'json'; readonly status: 200 | 201; readonly codec: t.Mixed; readonly description: string; readonly location?: true; readonly cookies?: true }
  | { readonly kind: 'empty'; readonly description: string; readonly cookies?: true }
  /** Image bytes: 200, or 302 to a presigned URL (redirect delivery), or 304 on If-None-Match. */
  | { readonly kind: 'bytes'; readonly description: string }
  | { readonly kind: 'text'; readonly contentTypes: readonly string[]; readonly description: string }

/**
 * One operation of the HTTP API, as the routers in ../routes implement it. Everything
 * else the document says is derived: statuses from the problem codes (each code has one
 * status), headers from the access and rate limiting, schemas from the codecs.
 */
export interface OperationSpec {
  readonly method: Method
  /** The router's own pattern, `{name}` for `:name` (a test holds routers and this table together). */
  readonly path: string
  readonly operationId: string
  readonly tag: string
  readonly summary: string
  readonly description?: string
  readonly access: Access
  readonly rateLimited: boolean
  readonly params?: Readonly<Record<string, { readonly codec: t.Mixed; readonly description: string }>>
  /** An exact partial codec: each key is an optional query parameter. */
  readonly query?: t.Mixed
  readonly body?: { readonly json: t.Mixed; readonly optional?: true } | { readonly multipart: true }
  readonly success: Success
  /** The problem codes this route answers besides those its access, parameters and body imply. */
  readonly codes: readonly string[]
}

/** `POST …/expiring-links` bodies; the bounds a tier allows are narrower, checked by the use-case (400 invalid_expiry). */
export const ExpiringLinkBody = t.strict({ expiresIn: intBetween(EXPIRY_FLOOR, EXPIRY_CEILING, 'ExpiresIn') }, 'ExpiringLinkRequest')

const imageId = { id: { codec: Uuid, description: 'The image id' } }
const height = { height: { codec: Height, description: 'A thumbnail height the owner\'s tier allows' } }
const tierId = { tierId: { codec: Uuid, description: 'The tier id' } }
const userId = { userId: { codec: Uuid, description: 'The user id' } }
const BYTES_CODES = ['service_unavailable', 'thumbnail_failed', 'thumbnail_timeout']

const bytesRoute = (path: string, operationId: string, summary: string, params: OperationSpec['params'], codes: readonly string[], access: Access, tag: string): OperationSpec[] =>
  (['get', 'head'] as const).map((method) => ({
    method, path, tag, access, params, codes, rateLimited: true,
    operationId: method === 'get' ? operationId : `${operationId}Head`,
    summary: method === 'get' ? summary : `${summary} (headers only)`,
    success: { kind: 'bytes', description: 'The image bytes (JPEG or PNG, as the original)' },
  }))

const tierCrud = (): OperationSpec[] => [
  { method: 'get', path: '/admin/tiers', operationId: 'listTiers', tag: 'admin', summary: 'List tiers', access: 'admin', rateLimited: true, query: ListQuery, success: { kind: 'json', status: 200, codec: TierPage, description: 'A page of tiers' }, codes: [] },
  { method: 'post', path: '/admin/tiers', operationId: 'createTier', tag: 'admin', summary: 'Create a tier', access: 'admin', rateLimited: true, body: { json: TierInput }, success: { kind: 'json', status: 201, codec: TierResource, description: 'The new tier', location: true }, codes: ['tier_name_taken'] },
  { method: 'get', path: '/admin/tiers/{tierId}', operationId: 'getTier', tag: 'admin', summary: 'One tier', access: 'admin', rateLimited: true, params: tierId, success: { kind: 'json', status: 200, codec: TierResource, description: 'The tier' }, codes: [] },
  { method: 'patch', path: '/admin/tiers/{tierId}', operationId: 'updateTier', tag: 'admin', summary: 'Edit a tier (applies on the next request)', access: 'admin', rateLimited: true, params: tierId, body: { json: TierPatch }, success: { kind: 'json', status: 200, codec: TierResource, description: 'The edited tier' }, codes: ['tier_name_taken'] },
  { method: 'delete', path: '/admin/tiers/{tierId}', operationId: 'deleteTier', tag: 'admin', summary: 'Delete a tier nobody is on', access: 'admin', rateLimited: true, params: tierId, success: { kind: 'empty', description: 'Deleted' }, codes: ['tier_in_use'] },
]

const userCrud = (): OperationSpec[] => [
  { method: 'get', path: '/admin/users', operationId: 'listUsers', tag: 'admin', summary: 'List users', access: 'admin', rateLimited: true, query: ListQuery, success: { kind: 'json', status: 200, codec: UserPage, description: 'A page of users' }, codes: [] },
  { method: 'post', path: '/admin/users', operationId: 'createUser', tag: 'admin', summary: 'Create a user', description: 'tierId defaults to Basic, role to user, active to true.', access: 'admin', rateLimited: true, body: { json: CreateUserBody }, success: { kind: 'json', status: 201, codec: UserResource, description: 'The new user', location: true }, codes: ['username_taken'] },
  { method: 'get', path: '/admin/users/{userId}', operationId: 'getUser', tag: 'admin', summary: 'One user', access: 'admin', rateLimited: true, params: userId, success: { kind: 'json', status: 200, codec: UserResource, description: 'The user' }, codes: [] },
  { method: 'patch', path: '/admin/users/{userId}', operationId: 'updateUser', tag: 'admin', summary: 'Move tier, change role or password, (de)activate', access: 'admin', rateLimited: true, params: userId, body: { json: UpdateUserBody }, success: { kind: 'json', status: 200, codec: UserResource, description: 'The edited user' }, codes: ['cannot_change_own_account'] },
  { method: 'delete', path: '/admin/users/{userId}', operationId: 'deleteUser', tag: 'admin', summary: 'Delete a user and their images', access: 'admin', rateLimited: true, params: userId, success: { kind: 'empty', description: 'Deleted' }, codes: ['cannot_change_own_account'] },
]

/** Every operation, in the order the document lists them. */
export const OPERATIONS: readonly OperationSpec[] = [
  { method: 'post', path: '/auth/login', operationId: 'login', tag: 'auth', summary: 'Log in', description: 'Answers the token pair and sets them as httpOnly cookies. Failed attempts are limited per username and IP.', access: 'anyone', rateLimited: true, body: { json: LoginBody }, success: { kind: 'json', status: 200, codec: SessionResource, description: 'Logged in', cookies: true }, codes: ['invalid_credentials', 'service_unavailable'] },
  { method: 'post', path: '/auth/refresh', operationId: 'refreshSession', tag: 'auth', summary: 'Rotate the refresh token (body or cookie)', description: 'A spent refresh token used again revokes its whole family.', access: 'anyone', rateLimited: true, body: { json: RefreshBody, optional: true }, success: { kind: 'json', status: 200, codec: SessionResource, description: 'A new token pair', cookies: true }, codes: ['unauthorized', 'service_unavailable'] },
  { method: 'post', path: '/auth/logout', operationId: 'logout', tag: 'auth', summary: 'Log out: this session ends', access: 'user', rateLimited: true, body: { json: RefreshBody, optional: true }, success: { kind: 'empty', description: 'Logged out; cookies cleared', cookies: true }, codes: [] },
  { method: 'get', path: '/me', operationId: 'getMe', tag: 'auth', summary: 'Who am I, and what my tier allows', access: 'user', rateLimited: true, success: { kind: 'json', status: 200, codec: MeResource, description: 'The caller and their tier' }, codes: [] },
  { method: 'post', path: '/images', operationId: 'uploadImage', tag: 'images', summary: 'Upload a JPEG or PNG', description: 'The format is decided by the bytes; the pixel count is checked from the header before any pixel is decoded.', access: 'user', rateLimited: true, body: { multipart: true }, success: { kind: 'json', status: 201, codec: ImageResource, description: 'The stored image', location: true }, codes: ['file_required', 'invalid_request', 'file_too_large', 'payload_too_large', 'unsupported_image_format', 'image_unreadable', 'image_too_many_pixels'] },
  { method: 'get', path: '/images', operationId: 'listImages', tag: 'images', summary: 'List my images, newest first', description: 'Page by limit/offset, or by cursor (empty for the first page, then the cursors in next/previous); not both.', access: 'user', rateLimited: true, query: PageQuery, success: { kind: 'json', status: 200, codec: ImagePage, description: 'A page of images' }, codes: [] },
  { method: 'get', path: '/images/{id}', operationId: 'getImage', tag: 'images', summary: 'One of my images', access: 'user', rateLimited: true, params: imageId, success: { kind: 'json', status: 200, codec: ImageResource, description: 'The image and the links its tier allows' }, codes: [] },
  { method: 'delete', path: '/images/{id}', operationId: 'deleteImage', tag: 'images', summary: 'Delete an image, its thumbnails and its links', access: 'user', rateLimited: true, params: imageId, success: { kind: 'empty', description: 'Deleted' }, codes: [] },
  ...bytesRoute('/images/{id}/thumbnails/{height}', 'getThumbnail', 'A thumbnail (rendered on first request)', { ...imageId, ...height }, ['invalid_height', 'tier_forbids_size', ...BYTES_CODES], 'user', 'images'),
  ...bytesRoute('/images/{id}/original', 'getOriginal', 'The original bytes', imageId, ['tier_forbids_original', 'service_unavailable'], 'user', 'images'),
  { method: 'post', path: '/images/{id}/thumbnails/{height}/expiring-links', operationId: 'createThumbnailLink', tag: 'links', summary: 'Create an expiring link to a thumbnail', description: 'expiresIn must lie within the bounds of the owner\'s tier (invalid_expiry names them).', access: 'user', rateLimited: true, params: { ...imageId, ...height }, body: { json: ExpiringLinkBody }, success: { kind: 'json', status: 201, codec: ExpiringLinkResource, description: 'The link; it needs no login' }, codes: ['tier_forbids_expiring_links', 'tier_forbids_size', 'invalid_height', 'invalid_expiry'] },
  { method: 'post', path: '/images/{id}/original/expiring-links', operationId: 'createOriginalLink', tag: 'links', summary: 'Create an expiring link to the original', access: 'user', rateLimited: true, params: imageId, body: { json: ExpiringLinkBody }, success: { kind: 'json', status: 201, codec: ExpiringLinkResource, description: 'The link; it needs no login' }, codes: ['tier_forbids_expiring_links', 'tier_forbids_original', 'invalid_expiry'] },
  ...bytesRoute('/links/{token}', 'openLink', 'Open an expiring link (no login)', { token: { codec: t.string, description: 'The signed token of the link' } }, ['link_invalid', 'link_revoked', 'link_not_found', 'link_expired', ...BYTES_CODES], 'anyone', 'links'),
  ...tierCrud(),
  ...userCrud(),
  { method: 'get', path: '/healthz', operationId: 'liveness', tag: 'operations', summary: 'Liveness', access: 'anyone', rateLimited: false, success: { kind: 'json', status: 200, codec: HealthResource, description: 'The process answers' }, codes: [] },
  { method: 'get', path: '/readyz', operationId: 'readiness', tag: 'operations', summary: 'Readiness (database and storage)', access: 'anyone', rateLimited: false, success: { kind: 'json', status: 200, codec: ReadyResource, description: 'Ready to serve' }, codes: ['not_ready'] },
  { method: 'get', path: '/metrics', operationId: 'metrics', tag: 'operations', summary: 'Prometheus metrics', description: 'Behind IMGTIER_METRICS_TOKEN as a bearer token when it is set.', access: 'operator', rateLimited: false, success: { kind: 'text', contentTypes: ['text/plain'], description: 'Prometheus text exposition' }, codes: [] },
  { method: 'get', path: '/openapi.json', operationId: 'openApiDocument', tag: 'operations', summary: 'This description (OpenAPI 3.1)', access: 'anyone', rateLimited: false, success: { kind: 'text', contentTypes: ['application/json'], description: 'The OpenAPI document' }, codes: [] },
  { method: 'get', path: '/docs/{asset}', operationId: 'docsAsset', tag: 'operations', summary: 'A file of the docs page (Swagger UI, served from the package)', access: 'anyone', rateLimited: false, params: { asset: { codec: t.keyof(Object.fromEntries(DOCS_ASSETS.map((a) => [a, null]))), description: 'The file' } }, success: { kind: 'text', contentTypes: ['application/javascript', 'text/css'], description: 'The file' }, codes: [] },
  { method: 'get', path: '/console', operationId: 'consolePage', tag: 'operations', summary: 'The web console (log in, then images; admins: tiers and users)', access: 'anyone', rateLimited: false, success: { kind: 'text', contentTypes: ['text/html'], description: 'The console page' }, codes: ['not_found'] },
  { method: 'get', path: '/console/assets/{file}', operationId: 'consoleAsset', tag: 'operations', summary: 'A file of the web console', access: 'anyone', rateLimited: false, params: { file: { codec: t.string, description: 'A built asset (hashed name)' } }, success: { kind: 'text', contentTypes: ['text/javascript', 'text/css'], description: 'The file (immutable)' }, codes: [] },
  { method: 'get', path: '/docs', operationId: 'docsPage', tag: 'operations', summary: 'The API reference, in a browser', access: 'anyone', rateLimited: false, success: { kind: 'text', contentTypes: ['text/html'], description: 'The docs page' }, codes: [] },
]

/** The body /readyz answers when a check is down (503 not_ready). */
export const NOT_READY_BODY = NotReadyResource
