import type * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'

/**
 * Collapses concurrent calls with one key into one run: N simultaneous first requests
 * for a thumbnail render it once. Per process; across instances the renders are
 * idempotent writes of identical bytes.
 */
export type SingleFlight<L, R> = (key: string, task: TE.TaskEither<L, R>) => TE.TaskEither<L, R>

export const makeSingleFlight = <L, R>(): SingleFlight<L, R> => {
  const inFlight = new Map<string, Promise<E.Either<L, R>>>()
  return (key, task) => () => {
    const running = inFlight.get(key)
    if (running) return running
    const started = task().finally(() => inFlight.delete(key))
    inFlight.set(key, started)
    return started
  }
}
