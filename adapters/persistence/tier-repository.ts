import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import { pipe } from 'fp-ts/function'
import type { Knex } from 'knex'
import type { TierRepository } from '../../application/ports/repositories'
import type { TierInUse, TierNameTaken, TierNotFound } from '../../domain/errors'
import { isUuid } from '../../domain/ids'
import type { Tier } from '../../domain/tier'
import { tierFromRow, tierToRow } from './mappers'
import { TierRow } from './models'
import { countOf, affectedRows, FOREIGN_KEY_VIOLATION, UNIQUE_VIOLATION, type SqlError } from './rows'
import { run } from './run'

const notFound: TierNotFound = { _tag: 'TierNotFound' }

const nameTaken = (name: string) => (e: SqlError): TierNameTaken | undefined =>
  e.code === UNIQUE_VIOLATION ? { _tag: 'TierNameTaken', name } : undefined

export const objectionTierRepository = (knex: Knex): TierRepository => ({
  list: (window) =>
    run('list tiers', async () => {
      const [rows, count] = await Promise.all([
        TierRow.query(knex).orderByRaw('lower(name), id').limit(window.limit).offset(window.offset),
        knex('tiers').count({ n: '*' }),
      ])
      return { count: countOf(count), results: rows.map(tierFromRow) }
    }),

  get: (id) =>
    pipe(
      isUuid(id) ? run('get tier', async () => TierRow.query(knex).findById(id)) : TE.right(undefined),
      TE.chainW((row) => (row === undefined ? TE.left(notFound) : TE.right(tierFromRow(row)))),
    ),

  findByName: (name) =>
    run('find tier by name', async () =>
      O.map(tierFromRow)(O.fromNullable((await TierRow.query(knex).whereRaw('lower(name) = lower(?)', [name]).limit(1))[0])),
    ),

  create: (tier) =>
    run(
      'create tier',
      async (): Promise<Tier> => {
        await TierRow.query(knex).insert(tierToRow(tier))
        return tier
      },
      nameTaken(tier.name),
    ),

  update: (tier) =>
    pipe(
      isUuid(tier.id)
        ? run(
            'update tier',
            async () => TierRow.query(knex).patch({ ...tierToRow(tier), updated_at: new Date() }).where('id', tier.id),
            nameTaken(tier.name),
          )
        : TE.right(0),
      TE.chainW((changed) => (changed === 0 ? TE.left(notFound) : TE.right(tier))),
    ),

  delete: (id) =>
    isUuid(id)
      ? pipe(
          run(
            'delete tier',
            () =>
              knex.transaction(async (trx): Promise<TierNotFound | TierInUse | undefined> => {
                const users = countOf(await trx('users').where('tier_id', id).count({ n: '*' }))
                if (users > 0) return { _tag: 'TierInUse', users }
                return affectedRows(await TierRow.query(trx).deleteById(id)) === 0 ? notFound : undefined
              }),
            // A user moved onto the tier after the count: the FK's RESTRICT still refuses.
            (e) => (e.code === FOREIGN_KEY_VIOLATION ? ({ _tag: 'TierInUse', users: 1 } satisfies TierInUse) : undefined),
          ),
          TE.chainW((refused) => (refused === undefined ? TE.right(undefined) : TE.left(refused))),
        )
      : TE.left(notFound),
})
