/**
 * Keys are '/'-separated and come from ids, but a storage adapter must not trust that:
 * a key that could climb out of its namespace is refused, never normalised.
 */
export const MAX_KEY_LENGTH = 1024

// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f\\]/

export const keyProblem = (key: string): string | undefined => {
  if (key.length === 0) return 'empty key'
  if (key.length > MAX_KEY_LENGTH) return `key longer than ${MAX_KEY_LENGTH}`
  if (FORBIDDEN.test(key)) return 'control character or backslash in key'
  if (key.startsWith('/')) return 'absolute key'
  const segments = key.split('/')
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return 'empty, "." or ".." segment in key'
  return undefined
}

/** Prefixes may end with '/' (a folder) or be empty (everything); otherwise as keys. */
export const prefixProblem = (prefix: string): string | undefined =>
  prefix === '' ? undefined : keyProblem(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix)
