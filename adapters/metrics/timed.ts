import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'

/** What became of an operation, as a metric label: success, an expected failure, or a throw. */
export type Settled<L, A> = { readonly result: E.Either<L, A> } | { readonly thrown: unknown }

/**
 * Runs a task and reports how it settled and how long it took, in seconds. The task's
 * result (or exception) passes through untouched: measuring never changes behaviour.
 */
export const timed = <L, A>(task: TE.TaskEither<L, A>, report: (settled: Settled<L, A>, seconds: number) => void): TE.TaskEither<L, A> =>
  async () => {
    const started = performance.now()
    try {
      const result = await task()
      report({ result }, (performance.now() - started) / 1000)
      return result
    } catch (thrown) {
      report({ thrown }, (performance.now() - started) / 1000)
      throw thrown
    }
  }

/** `ok`, `not_found` (a missing blob is an answer, not a fault), or `error`. */
export const outcomeOf = <L extends { readonly _tag: string }, A>(settled: Settled<L, A>): 'ok' | 'not_found' | 'error' => {
  if ('thrown' in settled) return 'error'
  if (E.isRight(settled.result)) return 'ok'
  return settled.result.left._tag === 'BlobNotFound' ? 'not_found' : 'error'
}
