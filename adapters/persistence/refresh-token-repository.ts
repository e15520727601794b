import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import type { Knex } from 'knex'
import type { RefreshTokenRepository } from '../../application/ports/repositories'
import { isUuid } from '../../domain/ids'
import { refreshTokenFromRow, refreshTokenToRow } from './mappers'
import { RefreshTokenRow } from './models'
import { run } from './run'

export const objectionRefreshTokenRepository = (knex: Knex): RefreshTokenRepository => ({
  insert: (record) =>
    run('insert refresh token', async () => {
      // A successor is derived, not drawn: concurrent rotations of one token insert the same row.
      await RefreshTokenRow.query(knex).insert(refreshTokenToRow(record)).onConflict('digest').ignore()
    }),

  find: (digest) =>
    run('find refresh token', async () => O.map(refreshTokenFromRow)(O.fromNullable(await RefreshTokenRow.query(knex).findById(digest)))),

  // One conditional UPDATE: of two concurrent uses exactly one sees a row change,
  // whatever the isolation level; a read-then-write would let both pass.
  markUsed: (digest, at) =>
    run(
      'mark refresh token used',
      async () =>
        (await RefreshTokenRow.query(knex).patch({ used_at: at }).where('digest', digest).whereNull('used_at').whereNull('revoked_at')) > 0,
    ),

  revokeFamily: (familyId, at) =>
    run('revoke refresh token family', async () => {
      await RefreshTokenRow.query(knex).patch({ revoked_at: at }).where('family_id', familyId).whereNull('revoked_at')
    }),

  revokeAllForUser: (userId, at) =>
    // Not a uuid: no such user, so nothing to revoke (the uuid column would reject it).
    !isUuid(userId) ? TE.right(undefined) : run('revoke refresh tokens of user', async () => {
      await RefreshTokenRow.query(knex).patch({ revoked_at: at }).where('user_id', userId).whereNull('revoked_at')
    }),
})
