import { Readable } from 'node:stream'
import * as E from 'fp-ts/Either'
import type { Blob, BlobStorage } from '../../application/ports/blobs'
import type { BlobNotFound, InfrastructureFailure } from '../../domain/errors'
import { keyProblem, prefixProblem } from '../storage'
import { task } from './store'

interface Stored extends Blob { readonly modifiedAt: Date }

const refused = (what: string, problem: string): InfrastructureFailure => ({ _tag: 'InfrastructureFailure', what, cause: new Error(problem) })

/**
 * Blobs in a Map: the same key rules as the real stores (a key that could climb out of
 * its namespace is refused), byte-for-byte copies in and out, no presigning (like the
 * filesystem). Passes test/contract/blob-storage.contract.ts.
 */
export const memoryBlobStorage = (): BlobStorage & { readonly size: () => number } => {
  const blobs = new Map<string, Stored>()
  const checked = <L, A>(key: string, what: string, body: () => E.Either<L, A>): E.Either<L | InfrastructureFailure, A> => {
    const problem = keyProblem(key)
    return problem === undefined ? body() : E.left(refused(what, problem))
  }
  const found = (key: string): E.Either<BlobNotFound, Stored> => {
    const blob = blobs.get(key)
    return blob ? E.right(blob) : E.left({ _tag: 'BlobNotFound', key })
  }
  const listed = (prefix: string) => [...blobs.keys()].filter((k) => k.startsWith(prefix)).sort()
  const withPrefix = <A>(prefix: string, what: string, body: () => A) => task<InfrastructureFailure, A>(() => {
    const problem = prefixProblem(prefix)
    return problem === undefined ? E.right(body()) : E.left(refused(what, problem))
  })
  return {
    size: () => blobs.size,
    put: (key, bytes, contentType) => task(() => checked(key, 'put blob', () => {
      blobs.set(key, { bytes: Buffer.from(bytes), contentType, modifiedAt: new Date() })
      return E.right<never, void>(undefined)
    })),
    get: (key) => task(() => checked(key, 'get blob', () => E.map((b: Stored) => ({ bytes: Buffer.from(b.bytes), contentType: b.contentType }))(found(key)))),
    open: (key) => task(() => checked(key, 'open blob', () =>
      E.map((b: Stored) => ({ body: Readable.from([Buffer.from(b.bytes)]), length: b.bytes.length, contentType: b.contentType }))(found(key)))),
    exists: (key) => task(() => checked(key, 'blob exists', () => E.right<never, boolean>(blobs.has(key)))),
    modifiedAt: (key) => task(() => checked(key, 'blob modified at', () => E.map((b: Stored) => new Date(b.modifiedAt))(found(key)))),
    delete: (key) => task(() => checked(key, 'delete blob', () => {
      blobs.delete(key)
      return E.right<never, void>(undefined)
    })),
    deletePrefix: (prefix) => withPrefix(prefix, 'delete blobs by prefix', () => {
      const keys = listed(prefix)
      for (const k of keys) blobs.delete(k)
      return keys.length
    }),
    list: (prefix) => withPrefix(prefix, 'list blobs', () => listed(prefix)),
    ping: () => task(() => E.right(undefined)),
  }
}
