import { createHash, createHmac, createSecretKey, type KeyObject, randomBytes } from 'node:crypto'
import type { OpaqueTokens } from '../../application/ports/security'

const TOKEN_BYTES = 32

// A plain hash is enough: the token has 256 bits of entropy, so there is nothing to
// brute-force, and a stolen table of digests cannot be replayed.
const digest = (token: string): string => createHash('sha256').update(token, 'utf8').digest('base64url')

/**
 * `successorKey` must be the same on every instance (bootstrap derives it from the
 * configured secrets); without one, a key of this process's own is drawn, which serves
 * one instance.
 */
export const randomOpaqueTokens = (options: { readonly successorKey?: KeyObject } = {}): OpaqueTokens => {
  const key = options.successorKey ?? createSecretKey(randomBytes(32))
  return {
    generate: () => {
      const token = randomBytes(TOKEN_BYTES).toString('base64url')
      return { token, digest: digest(token) }
    },
    // HMAC-SHA256 of the parent: a pseudo-random function of it under the server's key,
    // so the successor is as unguessable as a random token to anyone without that key.
    successor: (parent) => {
      const token = createHmac('sha256', key).update(parent, 'utf8').digest('base64url')
      return { token, digest: digest(token) }
    },
    digest,
  }
}
