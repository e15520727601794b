import { createHash, randomBytes } from 'node:crypto'
import type { OpaqueTokens } from '../../application/ports/security'

const TOKEN_BYTES = 32

// A plain hash is enough: the token has 256 bits of entropy, so there is nothing to
// brute-force, and a stolen table of digests cannot be replayed.
const digest = (token: string): string => createHash('sha256').update(token, 'utf8').digest('base64url')

export const randomOpaqueTokens = (): OpaqueTokens => ({
  generate: () => {
    const token = randomBytes(TOKEN_BYTES).toString('base64url')
    return { token, digest: digest(token) }
  },
  digest,
})
