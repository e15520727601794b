import * as E from 'fp-ts/Either'
import type * as t from 'io-ts'
import { codecErrorPath } from '../../domain/codecs'
import { invalidRequest, type FieldProblem, type Problem } from './problem'

/** io-ts errors as `{path, message}` pairs, one per problem, deepest path first. */
export const fieldProblems = (errors: t.Errors): FieldProblem[] => {
  const seen = new Set<string>()
  const out: FieldProblem[] = []
  for (const error of errors) {
    const path = codecErrorPath(error.context) || '(body)'
    const last = error.context[error.context.length - 1]
    const message = error.message ?? (error.value === undefined ? 'is required' : `must be ${last?.type.name ?? 'valid'}`)
    const key = `${path}|${message}`
    if (!seen.has(key)) {
      seen.add(key)
      out.push({ path, message })
    }
  }
  return out
}

export const decodeWith = <A>(codec: t.Decoder<unknown, A>, input: unknown, what = 'body'): E.Either<Problem, A> =>
  E.mapLeft((errors: t.Errors) => invalidRequest(fieldProblems(errors), `The ${what} is not valid.`))(codec.decode(input))

/** Rejects fields a codec does not know, so typos are not silently ignored. */
export const unknownFields = (input: unknown, known: readonly string[]): FieldProblem[] =>
  input !== null && typeof input === 'object' && !Array.isArray(input)
    ? Object.keys(input).filter((k) => !known.includes(k)).map((k) => ({ path: k, message: 'is not a known field' }))
    : []

/** Decodes a JSON body, refusing fields the resource does not have (every JSON body of the API). */
export const decodeBody = <A>(codec: t.Decoder<unknown, A>, known: readonly string[]) => (input: unknown): E.Either<Problem, A> => {
  const extra = unknownFields(input, known)
  return extra.length > 0 ? E.left(invalidRequest(extra)) : decodeWith(codec, input)
}
