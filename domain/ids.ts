import * as t from 'io-ts'
import { described } from './codecs'

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export const isUuid = (s: string): boolean => UUID_RE.test(s)

/** A lower-case canonical UUID (ids of images, users and tiers). */
export const Uuid = described(new t.Type<string, string, unknown>(
  'Uuid',
  (u): u is string => typeof u === 'string' && isUuid(u),
  (u, c) => (typeof u === 'string' && isUuid(u.toLowerCase()) ? t.success(u.toLowerCase()) : t.failure(u, c, 'must be a UUID')),
  t.identity,
), { schema: { type: 'string', format: 'uuid' } })
