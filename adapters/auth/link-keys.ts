import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

export interface LinkKey {
  /** Written into every token it signs, so verification can pick the key. */
  readonly kid: string
  readonly secret: string
}

export const KID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/
export const MIN_LINK_SECRET_LENGTH = 16

/** Every problem with a key list, one line each; empty when the list is usable. */
export const linkKeyProblems = (keys: readonly LinkKey[]): string[] => {
  if (keys.length === 0) return ['at least one link key is needed (kid:secret)']
  const problems: string[] = []
  const seen = new Set<string>()
  keys.forEach(({ kid, secret }, i) => {
    const where = `link key ${i + 1}${kid === '' ? '' : ` ("${kid}")`}`
    if (!KID_PATTERN.test(kid)) problems.push(`${where}: the key id must be 1 to 32 characters of A-Z a-z 0-9 _ -`)
    if (secret.length < MIN_LINK_SECRET_LENGTH) problems.push(`${where}: the secret must be at least ${MIN_LINK_SECRET_LENGTH} characters`)
    if (seen.has(kid)) problems.push(`${where}: the key id is listed twice`)
    seen.add(kid)
  })
  return problems
}

/**
 * `kid:secret,kid2:secret2` (IMGTIER_LINK_KEYS): the first key signs, all verify.
 * A secret may contain ':' (only the first one separates) but not ','.
 */
export const parseLinkKeys = (raw: string): E.Either<readonly string[], readonly LinkKey[]> => {
  const entries = raw.split(',').map((s) => s.trim())
  if (raw.trim() === '') return E.left(['at least one link key is needed (kid:secret)'])
  const malformed = entries.flatMap((entry, i) => (entry.includes(':') ? [] : [`link key ${i + 1}: expected kid:secret`]))
  if (malformed.length > 0) return E.left(malformed)
  const keys = entries.map((entry) => {
    const at = entry.indexOf(':')
    return { kid: entry.slice(0, at).trim(), secret: entry.slice(at + 1).trim() }
  })
  const problems = linkKeyProblems(keys)
  return problems.length > 0 ? E.left(problems) : E.right(keys)
}

/** The same parse as an io-ts codec, for the config decoder (one message per problem). */
export const LinkKeysFromString = new t.Type<readonly LinkKey[], string, unknown>(
  'LinkKeys',
  (u): u is readonly LinkKey[] =>
    Array.isArray(u) && u.every((k) => t.type({ kid: t.string, secret: t.string }).is(k)) && linkKeyProblems(u).length === 0,
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'must be a string of kid:secret pairs')
    const parsed = parseLinkKeys(u)
    return E.isRight(parsed) ? t.success(parsed.right) : t.failures(parsed.left.map((message) => ({ value: u, context: c, message })))
  },
  (keys) => keys.map((k) => `${k.kid}:${k.secret}`).join(','),
)
