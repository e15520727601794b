import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import type { PasswordHasher } from '../../application/ports/security'

export interface ScryptCost {
  /** CPU/memory cost, a power of two. */
  readonly N: number
  readonly r: number
  readonly p: number
}

/** About 16 MiB and ~50 ms per hash: OWASP's floor for scrypt. */
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 16384, r: 8, p: 1 }

const SALT_BYTES = 16
const KEY_BYTES = 32
// Stored hashes carry their own parameters, so verify would run whatever a row says:
// these bounds stop a corrupted or planted row from costing gigabytes or minutes.
const MAX_N = 1 << 20
const MAX_R = 32
const MAX_P = 16

const isPowerOfTwo = (n: number): boolean => Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0
const validCost = ({ N, r, p }: ScryptCost): boolean =>
  isPowerOfTwo(N) && N <= MAX_N && Number.isInteger(r) && r >= 1 && r <= MAX_R && Number.isInteger(p) && p >= 1 && p <= MAX_P

const derive = (password: string, salt: Buffer, keyLength: number, { N, r, p }: ScryptCost): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    // Node refuses anything above 32 MiB by default; give each call what its cost needs.
    const maxmem = 128 * N * r * 2 + 128 * r * p + 1024 * 1024
    scrypt(password.normalize('NFC'), salt, keyLength, { N, r, p, maxmem }, (err, key) => (err ? reject(err) : resolve(key)))
  })

const DECIMAL = /^[1-9][0-9]{0,7}$/
const B64URL = /^[A-Za-z0-9_-]+$/

interface Parsed { readonly cost: ScryptCost; readonly salt: Buffer; readonly key: Buffer }

/** `scrypt$N$r$p$salt$hash` (salt and hash base64url), or undefined when anything is off. */
const parse = (encoded: string): Parsed | undefined => {
  const parts = encoded.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined
  const [, n, r, p, salt, key] = parts
  if (![n, r, p].every((s) => DECIMAL.test(s)) || !B64URL.test(salt) || !B64URL.test(key)) return undefined
  const cost = { N: Number(n), r: Number(r), p: Number(p) }
  const saltBytes = Buffer.from(salt, 'base64url')
  const keyBytes = Buffer.from(key, 'base64url')
  // Exact lengths and canonical encodings: scrypt's output for a shorter key is a
  // prefix of the longer one, so a truncated hash would otherwise still verify.
  if (!validCost(cost) || saltBytes.length !== SALT_BYTES || keyBytes.length !== KEY_BYTES) return undefined
  if (saltBytes.toString('base64url') !== salt || keyBytes.toString('base64url') !== key) return undefined
  return { cost, salt: saltBytes, key: keyBytes }
}

/**
 * Passwords are NFC-normalised first, so "é" typed on two keyboards is one password.
 * Hashes are self-describing: raising the default cost later leaves old hashes valid.
 */
export const scryptPasswordHasher = (options: { readonly cost?: Partial<ScryptCost> } = {}): PasswordHasher => {
  const cost = { ...DEFAULT_SCRYPT_COST, ...options.cost }
  if (!validCost(cost)) throw new Error(`invalid scrypt cost ${JSON.stringify(cost)}: N a power of two ≤ 2^20, r 1..${MAX_R}, p 1..${MAX_P}`)

  return {
    hash: (password) => async () => {
      const salt = randomBytes(SALT_BYTES)
      const key = await derive(password, salt, KEY_BYTES, cost)
      return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$')
    },

    verify: (password, encoded) => async () => {
      const parsed = parse(encoded)
      if (parsed === undefined) return false
      const candidate = await derive(password, parsed.salt, KEY_BYTES, parsed.cost)
      return timingSafeEqual(candidate, parsed.key)
    },
  }
}
