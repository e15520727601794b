/** Time, injected so that tests move it instead of sleeping. */
export interface Clock {
  now(): Date
}

export interface IdGenerator {
  uuid(): string
}

/** Content hashes of originals (sha256, hex). */
export interface Hasher {
  sha256(bytes: Buffer): string
}
