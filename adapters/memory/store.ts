import type * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import type { RefreshTokenRecord } from '../../application/ports/repositories'
import type { Image } from '../../domain/image'
import type { Tier } from '../../domain/tier'
import type { User } from '../../domain/user'

/**
 * The rows of one in-memory database, shared by its repositories the way tables share
 * a database: deleting a user takes their images and tokens along, a claim dies with
 * its image. Copies go in and out, so a caller mutating a result changes nothing here.
 */
export interface MemoryStore {
  readonly tiers: Map<string, Tier>
  readonly users: Map<string, User>
  readonly images: Map<string, { readonly image: Image; readonly deletingSince?: Date }>
  readonly refreshTokens: Map<string, RefreshTokenRecord>
  /** `${imageId}:${height}` → until when the claim holds. */
  readonly claims: Map<string, Date>
}

export const emptyMemoryStore = (): MemoryStore => ({
  tiers: new Map(), users: new Map(), images: new Map(), refreshTokens: new Map(), claims: new Map(),
})

/** A deep enough copy of a row: dates and arrays are fresh, so no caller shares state with the store. */
export const copy = <T extends object>(row: T): T => structuredClone(row)

export const sameText = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()

/**
 * Runs `body` when the task runs, not when it is built, as a database round trip would.
 * The body is synchronous, so each call is atomic: of concurrent uses of one token, one wins.
 */
export const task = <L, A>(body: () => E.Either<L, A>): TE.TaskEither<L, A> => async () => body()
