import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import type * as TE from 'fp-ts/TaskEither'

// fp-ts helpers for tests, in one place: run a task and insist on its side.

const shown = (v: unknown) => JSON.stringify(v, (_, x: unknown) => (x instanceof Error ? x.message : x))

export const rightOf = async <L, A>(te: TE.TaskEither<L, A>): Promise<A> => {
  const r = await te()
  if (E.isLeft(r)) throw new Error(`expected Right, got Left ${shown(r.left)}`)
  return r.right
}

export const leftOf = async <L, A>(te: TE.TaskEither<L, A>): Promise<L> => {
  const r = await te()
  if (E.isRight(r)) throw new Error(`expected Left, got Right ${shown(r.right)}`)
  return r.left
}

/** The `_tag` of the failure: what most use-case tests are about. */
export const leftTagOf = async <L extends { readonly _tag: string }, A>(te: TE.TaskEither<L, A>): Promise<L['_tag']> =>
  (await leftOf(te))._tag

export const someOf = <A>(o: O.Option<A>): A => {
  if (O.isNone(o)) throw new Error('expected Some, got None')
  return o.value
}
