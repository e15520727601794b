import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import { pipe } from 'fp-ts/function'
import type { Knex } from 'knex'
import type { UserRepository } from '../../application/ports/repositories'
import type { TierNotFound, UserNotFound, UsernameTaken } from '../../domain/errors'
import { isUuid } from '../../domain/ids'
import type { User } from '../../domain/user'
import { tierFromRow, userFromRow, userToRow } from './mappers'
import { UserRow } from './models'
import { countOf, affectedRows, FOREIGN_KEY_VIOLATION, UNIQUE_VIOLATION, type SqlError, toBoolean } from './rows'
import { run } from './run'

const notFound: UserNotFound = { _tag: 'UserNotFound' }

const writeRefused = (username: string) => (e: SqlError): UsernameTaken | TierNotFound | undefined =>
  e.code === UNIQUE_VIOLATION
    ? { _tag: 'UsernameTaken', username }
    : e.code === FOREIGN_KEY_VIOLATION
      ? { _tag: 'TierNotFound' }
      : undefined

export const objectionUserRepository = (knex: Knex): UserRepository => ({
  list: (window) =>
    run('list users', async () => {
      const [rows, count] = await Promise.all([
        UserRow.query(knex).orderBy([{ column: 'created_at', order: 'asc' }, { column: 'id', order: 'asc' }]).limit(window.limit).offset(window.offset),
        knex('users').count({ n: '*' }),
      ])
      return { count: countOf(count), results: rows.map(userFromRow) }
    }),

  get: (id) =>
    pipe(
      isUuid(id) ? run('get user', async () => UserRow.query(knex).findById(id)) : TE.right(undefined),
      TE.chainW((row) => (row === undefined ? TE.left(notFound) : TE.right(userFromRow(row)))),
    ),

  // One round trip: every authenticated request needs both, and a join cannot see
  // the user on one tier and the tier after a concurrent move.
  getWithTier: (id) => pipe(withTier(knex, id), TE.map(({ user, tier }) => ({ user, tier }))),

  getPrincipal: (id, sessionId) => withTier(knex, id, sessionId),

  findByUsername: (username) =>
    run('find user by username', async () =>
      O.map(userFromRow)(O.fromNullable((await UserRow.query(knex).whereRaw('lower(username) = lower(?)', [username]).limit(1))[0])),
    ),

  anyAdmin: () =>
    run('look for an admin', async () => (await knex('users').where('role', 'admin').select('id').limit(1)).length > 0),

  create: (user) =>
    run(
      'create user',
      async (): Promise<User> => {
        await UserRow.query(knex).insert(userToRow(user))
        return user
      },
      writeRefused(user.username),
    ),

  update: (user) =>
    pipe(
      isUuid(user.id)
        ? run(
            'update user',
            async () => {
              const { id: _id, created_at: _created, ...changes } = userToRow(user)
              return UserRow.query(knex).patch(changes).where('id', user.id)
            },
            writeRefused(user.username),
          )
        : TE.right(0),
      TE.chainW((changed) => (changed === 0 ? TE.left(notFound) : TE.right(user))),
    ),

  delete: (id) =>
    pipe(
      isUuid(id) ? run('delete user', async () => affectedRows(await UserRow.query(knex).deleteById(id))) : TE.right(0),
      TE.chainW((deleted) => (deleted === 0 ? TE.left(notFound) : TE.right(undefined))),
    ),
})

/**
 * The user, their tier and (given a session) whether it has ended, in one round trip:
 * every authenticated request runs this, so it is a single indexed join.
 */
const withTier = (knex: Knex, id: string, sessionId?: string) =>
  pipe(
    isUuid(id)
      ? run('get user with tier', async () => {
          const rows: unknown[] = await knex('users as u')
            .join('tiers as t', 't.id', 'u.tier_id')
            .where('u.id', id)
            .select(
              'u.id', 'u.username', 'u.password_hash', 'u.tier_id', 'u.role', 'u.active', 'u.session_version', 'u.created_at',
              't.name', 't.thumbnail_heights', 't.original_link', 't.expiring_link', 't.expiring_link_min', 't.expiring_link_max',
              knex.raw('exists (select 1 from refresh_tokens r where r.family_id = ? and r.revoked_at is not null) as session_ended', [sessionId ?? '']),
            )
          const row = rows[0]
          if (typeof row !== 'object' || row === null) return undefined
          const user = userFromRow(columns(row))
          return { user, tier: tierFromRow({ ...columns(row), id: user.tierId }), sessionEnded: toBoolean(Reflect.get(row, 'session_ended'), 'session ended') }
        })
      : TE.right(undefined),
    TE.chainW((found) => (found === undefined ? TE.left(notFound) : TE.right(found))),
  )

/** Reads the selected columns of a joined row by name (missing ones fail in rows.ts). */
const columns = (row: object) => {
  const get = (k: string): unknown => (k in row ? Reflect.get(row, k) : undefined)
  return {
    id: get('id'), username: get('username'), password_hash: get('password_hash'), tier_id: get('tier_id'),
    role: get('role'), active: get('active'), session_version: get('session_version'), created_at: get('created_at'),
    name: get('name'), thumbnail_heights: get('thumbnail_heights'), original_link: get('original_link'),
    expiring_link: get('expiring_link'), expiring_link_min: get('expiring_link_min'), expiring_link_max: get('expiring_link_max'),
  }
}
