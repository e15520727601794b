import * as TE from 'fp-ts/TaskEither'
import type { BlobStorage } from '../../application/ports/blobs'

/** A store in memory that counts the reads reaching it: when they run, not when they are built. */
export const countingBlobs = () => {
  const blobs = new Map<string, Buffer>()
  const reads = { n: 0 }
  const s: BlobStorage = {
    put: (key, bytes) => TE.fromIO(() => { blobs.set(key, bytes) }),
    get: (key) => () => { reads.n++; const b = blobs.get(key); return (b ? TE.right({ bytes: b, contentType: 'image/jpeg' }) : TE.left({ _tag: 'BlobNotFound' as const, key }))() },
    open: (key) => () => {
      reads.n++
      const b = blobs.get(key)
      return (b
        ? TE.right({ body: (async function* () { yield b.subarray(0, 3); yield b.subarray(3) })(), length: b.length, contentType: 'image/jpeg' })
        : TE.left({ _tag: 'BlobNotFound' as const, key }))()
    },
    exists: (key) => TE.fromIO(() => { reads.n++; return blobs.has(key) }),
    modifiedAt: () => TE.right(new Date(0)),
    delete: (key) => TE.fromIO(() => { blobs.delete(key) }),
    deletePrefix: (prefix) => TE.fromIO(() => { const ks = [...blobs.keys()].filter((k) => k.startsWith(prefix)); ks.forEach((k) => blobs.delete(k)); return ks.length }),
    list: () => TE.right([]),
    ping: () => TE.right(undefined),
  }
  return { s, blobs, reads }
}

