import { createHash } from 'node:crypto'
import type { Hasher } from '../../application/ports/runtime'

export const cryptoHasher = (): Hasher => ({
  sha256: (bytes) => createHash('sha256').update(bytes).digest('hex'),
})
