/**
 * A tiny, seeded fuzzer: the same seed gives the same inputs, so a failure found by a
 * random seed is replayed with FUZZ_SEED=<seed>. No dependency: mulberry32 is enough
 * for choosing mutations, and nothing here needs cryptographic randomness.
 */

export interface Rng {
  readonly seed: number
  /** A float in [0, 1). */
  next(): number
  /** An integer in [0, n). */
  int(n: number): number
  pick<T>(items: readonly T[]): T
  bytes(n: number): Buffer
}

export const rng = (seed: number): Rng => {
  let a = seed >>> 0
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  return {
    seed,
    next,
    int,
    pick: (items) => items[int(items.length)],
    bytes: (n) => Buffer.from(Array.from({ length: n }, () => int(256))),
  }
}

/** The seed from FUZZ_SEED, or a fresh one; either way the caller prints it. */
export const fuzzSeed = (): number => {
  const fromEnv = Number(process.env.FUZZ_SEED)
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 1 + Math.floor(Math.random() * 2 ** 31)
}

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xd8, 0xd9, 0xda, 0xc0, 0xc2, 0xfe]

/** Byte-level mutations: flips, interesting values, cuts, splices, repeats, 16-bit sizes. */
export const mutateBytes = (r: Rng, input: Buffer): Buffer => {
  let out = Buffer.from(input)
  const rounds = 1 + r.int(4)
  for (let k = 0; k < rounds && out.length > 0; k++) {
    const at = r.int(out.length)
    switch (r.int(7)) {
      case 0: out[at] ^= 1 << r.int(8); break
      case 1: out[at] = r.pick(INTERESTING_BYTES); break
      case 2: out = out.subarray(0, at); break
      case 3: out = Buffer.concat([out.subarray(0, at), r.bytes(1 + r.int(64)), out.subarray(at)]); break
      case 4: out = Buffer.concat([out.subarray(0, at), out.subarray(Math.min(out.length, at + 1 + r.int(256)))]); break
      case 5: out = Buffer.concat([out.subarray(0, at), out.subarray(at, at + 1 + r.int(128)), out.subarray(at)]); break
      default:
        // Sizes in headers (PNG chunk lengths, JPEG segment lengths, dimensions) are 16/32-bit big-endian.
        if (at + 2 <= out.length) out.writeUInt16BE(r.pick([0, 1, 0x7fff, 0xffff, r.int(0x10000)]), at)
    }
  }
  return out
}

const STRINGS = ['', ' ', 'a', 'Basic', '\u0000', '\n\r', '🙂'.repeat(50), 'x'.repeat(5_000), '../../etc/passwd', '<script>', "' OR 1=1 --", '%s%n', '\\u0000', '__proto__', 'constructor']
const NUMBERS = [0, -1, 1, 16, 200, 300, 4096, 4097, 30000, 604800, 604801, 1.5, -0, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 31]

/** A JSON value of any shape, shallow enough to stay small. */
export const jsonValue = (r: Rng, depth = 0): unknown => {
  switch (r.int(depth > 2 ? 5 : 7)) {
    case 0: return null
    case 1: return r.next() < 0.5
    case 2: return r.pick(NUMBERS)
    case 3: return r.pick(STRINGS)
    case 4: return r.bytes(1 + r.int(12)).toString('latin1')
    case 5: return Array.from({ length: r.int(4) }, () => jsonValue(r, depth + 1))
    default: return Object.fromEntries(Array.from({ length: r.int(4) }, () => [r.pick(STRINGS), jsonValue(r, depth + 1)]))
  }
}

/**
 * A mutation of a valid JSON object: a field replaced by any value, dropped, added,
 * renamed to a prototype key; or the whole thing replaced; or its text corrupted.
 * Returns the request body text.
 */
export const mutateJson = (r: Rng, valid: Record<string, unknown>): string => {
  const obj: Record<string, unknown> = { ...valid }
  const keys = Object.keys(obj)
  switch (r.int(7)) {
    case 0: if (keys.length > 0) obj[r.pick(keys)] = jsonValue(r); return JSON.stringify(obj)
    case 1: if (keys.length > 0) delete obj[r.pick(keys)]; return JSON.stringify(obj)
    case 2: obj[r.pick(STRINGS)] = jsonValue(r); return JSON.stringify(obj)
    case 3: return JSON.stringify(jsonValue(r))
    case 4: return `{"__proto__": {"role": "admin"}, "constructor": {"prototype": {"x": 1}}, ${JSON.stringify(obj).slice(1)}`
    case 5: return mutateBytes(r, Buffer.from(JSON.stringify(obj))).toString('latin1')
    default: return `${'['.repeat(2_000)}${']'.repeat(2_000)}`
  }
}
