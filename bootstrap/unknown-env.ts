/**
 * A misspelt variable must never fall back silently to a default (DESIGN.md §4):
 * every `IMGTIER_*` name the process does not know is a start-up problem, with the
 * closest known name offered when there is one.
 */
export const unknownVariableProblems = (
  env: Readonly<Record<string, string | undefined>>, known: ReadonlySet<string>, prefix = 'IMGTIER_',
): string[] =>
  Object.keys(env)
    .filter((name) => name.startsWith(prefix) && !known.has(name))
    .sort()
    .map((name) => {
      const guess = closest(name, known)
      return `${name}: unknown variable${guess === undefined ? '' : `; did you mean ${guess}?`}`
    })

/** The known name within a few edits of `name` (typos, a dropped or doubled letter), if any. */
const closest = (name: string, known: ReadonlySet<string>): string | undefined => {
  let best: { readonly name: string; readonly distance: number } | undefined
  for (const candidate of known) {
    const distance = editDistance(name, candidate)
    if (distance <= MAX_EDITS && (best === undefined || distance < best.distance)) best = { name: candidate, distance }
  }
  return best?.name
}

const MAX_EDITS = 3

/** Levenshtein distance, two rows at a time. */
export const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}
