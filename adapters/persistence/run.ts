import * as TE from 'fp-ts/TaskEither'
import { infrastructureFailure, type InfrastructureFailure } from '../../domain/errors'
import { sqlErrorOf, type SqlError } from './rows'

/**
 * Runs one database step. Expected failures (a unique or foreign-key violation the
 * caller names) become tagged values; anything else, including a row of the wrong
 * shape, is an InfrastructureFailure naming `what`.
 */
export const run = <A, E = never>(
  what: string,
  f: () => Promise<A>,
  expected: (e: SqlError) => E | undefined = () => undefined,
): TE.TaskEither<E | InfrastructureFailure, A> =>
  TE.tryCatch(f, (cause) => {
    const sql = sqlErrorOf(cause)
    const known = sql === undefined ? undefined : expected(sql)
    return known !== undefined ? known : infrastructureFailure(what)(cause)
  })
