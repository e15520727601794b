import type * as t from 'io-ts'
import { codecErrorPath } from '../domain/codecs'

/** One readable line per codec problem: `height: must be an integer from 16 to 4096`. */
export const describeErrors = (errors: t.Errors): string[] =>
  errors.map((e) => {
    const expected = e.context[e.context.length - 1]?.type.name ?? 'a value'
    return `${codecErrorPath(e.context) || '(payload)'}: ${e.message ?? `expected ${expected}, got ${JSON.stringify(e.value) ?? 'nothing'}`}`
  })
