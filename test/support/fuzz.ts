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

const STRINGS = ['', ' ', 'a', 'Basic', '\u0000', '\n\r', '🙂'.repeat(50), 'x'.repeat(5_000), '../../etc/passwd', '<script>', "' OR 1=1 --", '%s%n', '\\u0000', '__proto__', 'constructor', 'a\u0000b', '\ud800', 'x\udfff', '\ude00\ud83d']
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

/** Strings a database or a decoder chokes on: NUL, lone surrogates, overlong and invalid UTF-8, very long values. */
export const HOSTILE_TEXT: readonly string[] = [
  '\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\ud83d', '\ude00\ud83d', '\uffff', '\ufeff', '\u202e', 'é'.normalize('NFD'),
  '🙂'.repeat(300), 'x'.repeat(70_000), '%00', '%', '%%', '%E0%A4%A', '..%2F..%2F', '\r\nX-Injected: 1', '\\', '"', '{', '[]',
]

/** Percent-encoded forms of hostile bytes for URLs: NUL, a lone surrogate's CESU bytes, overlong '/', invalid UTF-8. */
const HOSTILE_URL_PARTS: readonly string[] = [
  '%00', 'a%00b', '%ED%A0%80', '%C0%AF', '%FF%FE', '%', '%G0', '..', '..%2F..%2Fetc%2Fpasswd', '%2e%2e', '-1', '0', '1e3',
  '99999999999999999999', 'x'.repeat(5_000), '%F0%9F%99%82'.repeat(40), '__proto__', 'constructor', '%20', '+', ';', '@',
]

/** A hostile piece of a URL: one of the list, raw bytes (latin1), or a valid one mutated. */
export const hostileUrlPart = (r: Rng, valid: string): string => {
  switch (r.int(4)) {
    case 0: return r.pick(HOSTILE_URL_PARTS)
    case 1: return encodeURIComponent(r.pick(HOSTILE_TEXT).replace(/[\ud800-\udfff]/g, '\u0000')).slice(0, 6_000)
    case 2: return `${valid}${r.pick(HOSTILE_URL_PARTS)}`
    default: return r.bytes(1 + r.int(16)).toString('latin1').replace(/[\s?#/]/g, '%')
  }
}

/** A query string: known keys and unknown ones, hostile or repeated values, array syntax. */
export const hostileQuery = (r: Rng, keys: readonly string[]): string => {
  const n = 1 + r.int(3)
  const parts: string[] = []
  for (let i = 0; i < n; i++) {
    const key = r.next() < 0.8 ? r.pick(keys) : r.pick(['__proto__', 'limit[]', 'cursor[a]', '%00', 'x'.repeat(300)])
    parts.push(`${key}=${hostileUrlPart(r, r.pick(['1', '20', '0', 'abc']))}`)
  }
  return parts.join('&')
}

/** One header to add to a request: hostile values for the headers the API reads. */
export const hostileHeader = (r: Rng, validToken: string): readonly [string, string] => {
  const text = () => r.pick(HOSTILE_TEXT).replace(/[\ud800-\udfff]/g, '\u00ed').replace(/[\r\n]/g, ' ').slice(0, 8_000)
  switch (r.int(9)) {
    case 0: return ['Authorization', r.pick([`Bearer ${validToken}${text()}`, `Bearer ${text()}`, 'Bearer', `Basic ${text()}`, `bearer  ${validToken}`, `Bearer ${'a'.repeat(9_000)}`])]
    case 1: return ['Cookie', r.pick([`imgtier_access=${encodeURIComponent(text())}`, `imgtier_refresh=%00`, `imgtier_access=${validToken}; imgtier_access=x`, `=${text()}`])]
    case 2: return ['If-None-Match', r.pick(['*', '"x"', `"${text()}"`, 'W/', ',,,,'])]
    case 3: return ['Content-Type', r.pick(['application/json; charset=utf-16', 'application/json; charset=latin1', 'multipart/form-data', 'multipart/form-data; boundary=', `multipart/form-data; boundary=${'b'.repeat(200)}`, 'text/plain', `application/${text()}`])]
    case 4: return ['X-Forwarded-For', r.pick([text(), '::ffff:1.2.3.4, 999.1.1.1', '', 'unknown'])]
    case 5: return ['Range', r.pick(['bytes=0-0', 'bytes=-1', 'bytes=99999999999-', `bytes=${text()}`])]
    case 6: return ['Accept', r.pick(['*/*', text(), 'application/problem+json;q=0'])]
    case 7: return ['X-Requested-With', text()]
    default: return ['Origin', r.pick(['null', text(), 'http://evil.example'])]
  }
}

/** A Content-Encoding header and a body that may or may not be what it says. */
export const hostileEncoding = (r: Rng, json: Buffer, encode: Readonly<Record<string, (b: Buffer) => Buffer>>): { readonly coding: string; readonly body: Buffer } => {
  const coding = r.pick(['gzip', 'deflate', 'br', 'identity', 'GZIP', 'zstd', 'gzip, gzip', 'x-unknown', ''])
  const encoder = encode[coding]
  switch (r.int(3)) {
    case 0: return { coding, body: encoder ? encoder(json) : json }
    case 1: return { coding, body: encoder ? mutateBytes(r, encoder(json)) : mutateBytes(r, json) }
    default: return { coding, body: json }
  }
}
