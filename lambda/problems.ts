import * as t from 'io-ts'

/** A context key names a property or index, except the branch numbers of unions and intersections. */
const pathOf = (context: t.Context): string =>
  context
    .filter((_, i) => i > 0 && !(context[i - 1]!.type instanceof t.UnionType || context[i - 1]!.type instanceof t.IntersectionType))
    .map((c) => c.key)
    .join('.')

/** One readable line per codec problem: `height: must be an integer from 16 to 4096`. */
export const describeErrors = (errors: t.Errors): string[] =>
  errors.map((e) => {
    const expected = e.context[e.context.length - 1]?.type.name ?? 'a value'
    return `${pathOf(e.context) || '(payload)'}: ${e.message ?? `expected ${expected}, got ${JSON.stringify(e.value) ?? 'nothing'}`}`
  })
