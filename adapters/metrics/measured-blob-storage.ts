import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import type { BlobStorage, PutOptions, StagedBlob } from '../../application/ports/blobs'
import type { Metrics } from './instruments'
import { outcomeOf, timed } from './timed'

/**
 * A BlobStorage that times every operation (by store and operation) and, for the
 * thumbnails store, counts reads as cache hits or misses. Behaviour is the wrapped store's.
 */
export const measuredBlobStorage = (store: BlobStorage, name: 'originals' | 'thumbnails', metrics: Metrics): BlobStorage => {
  const measure = <L extends { readonly _tag: string }, A>(operation: string, task: TE.TaskEither<L, A>): TE.TaskEither<L, A> =>
    timed(task, (settled, seconds) => {
      const outcome = outcomeOf(settled)
      metrics.storageDuration.observe({ store: name, operation, outcome }, seconds)
      // Thumbnails in storage are a cache: a read that finds the blob is a hit, BlobNotFound a miss.
      if (name === 'thumbnails' && (operation === 'open' || operation === 'get') && outcome !== 'error') {
        metrics.cacheLookups.inc({ cache: 'storage', result: outcome === 'ok' ? 'hit' : 'miss' })
      }
    })
  const { presignGet, removeTemporaries, stage } = store
  return {
    // Whatever a store adds later passes through, unmeasured, rather than disappearing.
    ...store,
    put: (key, bytes, contentType, options) => measure('put', store.put(key, bytes, contentType, options)),
    get: (key) => measure('get', store.get(key)),
    open: (key) => measure('open', store.open(key)),
    exists: (key) => measure('exists', store.exists(key)),
    modifiedAt: (key) => measure('modifiedAt', store.modifiedAt(key)),
    delete: (key) => measure('delete', store.delete(key)),
    deletePrefix: (prefix) => measure('deletePrefix', store.deletePrefix(prefix)),
    list: (prefix) => measure('list', store.list(prefix)),
    ping: () => measure('ping', store.ping()),
    ...(presignGet ? { presignGet: (key: string, seconds: number, headers: Parameters<typeof presignGet>[2]) => measure('presign', presignGet(key, seconds, headers)) } : {}),
    ...(stage ? {
      stage: (key: string, bytes: Buffer, contentType: string, options?: PutOptions) =>
        pipe(
          measure('stage', stage(key, bytes, contentType, options)),
          TE.map((staged): StagedBlob => ({ commit: () => measure('commit', staged.commit()), discard: () => measure('discard', staged.discard()) })),
        ),
    } : {}),
    ...(removeTemporaries ? { removeTemporaries: (before: Date) => measure('removeTemporaries', removeTemporaries(before)) } : {}),
  }
}
