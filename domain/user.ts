import * as t from 'io-ts'
import * as E from 'fp-ts/Either'
import { described, stringOfLength } from './codecs'
import type { AdminOnly, ReadOnlyAdmin } from './errors'

export const Role = t.keyof({ user: null, admin: null, auditor: null }, 'Role')
export type Role = t.TypeOf<typeof Role>

export interface User {
  readonly id: string
  readonly username: string
  readonly passwordHash: string
  readonly tierId: string
  readonly role: Role
  readonly active: boolean
  /** Bumped on password change or deactivation: every token issued before dies at once. */
  readonly sessionVersion: number
  readonly createdAt: Date
}

const USERNAME = /^[A-Za-z0-9_.@-]{3,64}$/

export const Username = described(new t.Type<string, string, unknown>(
  'Username',
  (u): u is string => typeof u === 'string' && USERNAME.test(u),
  (u, c) =>
    typeof u === 'string' && USERNAME.test(u)
      ? t.success(u)
      : t.failure(u, c, 'must be 3 to 64 characters: letters, digits, _ . @ -'),
  t.identity,
), { schema: { type: 'string', pattern: USERNAME.source } })

export const Password = stringOfLength(8, 1024, 'Password')

export type Access = 'read' | 'write'

/** Admin routes: admins read and write, auditors only read, users neither. */
export const checkAdminAccess = (role: Role, access: Access): E.Either<AdminOnly | ReadOnlyAdmin, Role> => {
  if (role === 'admin') return E.right(role)
  if (role === 'auditor') return access === 'read' ? E.right(role) : E.left({ _tag: 'ReadOnlyAdmin' })
  return E.left({ _tag: 'AdminOnly' })
}
