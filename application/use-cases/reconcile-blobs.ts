import { pipe } from 'fp-ts/function'
import * as A from 'fp-ts/ReadonlyArray'
import * as TE from 'fp-ts/TaskEither'
import type { InfrastructureFailure } from '../../domain/errors'
import { originalKey } from '../../domain/image'
import type { BlobStorage } from '../ports/blobs'
import type { ImageRepository } from '../ports/repositories'
import type { Clock } from '../ports/runtime'
import { removeImageBlobs, type BlobsOfImages } from './delete-image'

/** Longer than any upload takes between storing its blob and writing its row. */
export const RECONCILE_GRACE_MS = 60 * 60 * 1000
const BATCH = 500
/**
 * How old a partial file must be before start-up removes it. A write lasts as long as
 * copying one upload to disk (well under a minute); several instances may share a blob
 * directory, so a fresh one may belong to a neighbour's write in flight.
 */
export const TEMPORARY_GRACE_MS = 10 * 60 * 1000

export interface ReconcileReport {
  /** Image ids found in blob storage. */
  readonly checked: number
  /** Ids whose blobs no row accounts for and which were old enough to remove. */
  readonly removed: readonly string[]
  /** Ids without a row but too young to judge: an upload may be between blob and row. */
  readonly spared: readonly string[]
  /** Partial files left by writes that never finished (a crash mid-upload), removed. */
  readonly temporaries: number
}

/**
 * Removes what a crash mid-write left in either store (the filesystem's partial files),
 * last written more than `graceMs` ago; stores that leave nothing behind are skipped.
 */
export const removeStaleTemporaries = (deps: BlobsOfImages & { clock: Clock }) =>
  (graceMs = TEMPORARY_GRACE_MS): TE.TaskEither<InfrastructureFailure, number> => {
    const before = new Date(deps.clock.now().getTime() - graceMs)
    const sweep = (store: BlobStorage) => store.removeTemporaries?.(before) ?? TE.right(0)
    // One store may be the other (thumbnails beside originals): the second sweep then finds nothing.
    return pipe(sweep(deps.originals), TE.chain((a) => pipe(sweep(deps.thumbnails), TE.map((b) => a + b))))
  }

/** The image id a key belongs to: originals are `<id>`, thumbnails `<id>/<height>`. */
const imageIdOf = (key: string): string => key.split('/')[0] ?? key

/**
 * Removes blobs that no image row accounts for: what a crash between storing an upload
 * and writing its row, or a failed clean-up after a failed upload, leaves behind. Rows
 * marked for deletion still count (the purge sweep owns them). Young blobs are spared:
 * an upload in flight has stored its blob and not yet its row. Partial files a crash
 * left mid-write go too, under the same grace.
 */
export const reconcileBlobs = (deps: BlobsOfImages & { images: ImageRepository; clock: Clock }) =>
  (graceMs = RECONCILE_GRACE_MS): TE.TaskEither<InfrastructureFailure, ReconcileReport> => {
    const cutoff = deps.clock.now().getTime() - graceMs
    // The original's age decides: an upload in flight has just written it. Thumbnails with
    // neither an original nor a row belong to nothing in flight (renders need the row).
    const isOld = (id: string) =>
      pipe(
        deps.originals.modifiedAt(originalKey(id)),
        TE.map((at) => at.getTime() < cutoff),
        TE.orElseW((e) => (e._tag === 'BlobNotFound' ? TE.right(true) : TE.left(e))),
      )
    return pipe(
      TE.Do,
      TE.apS('originals', deps.originals.list('')),
      TE.apS('thumbnails', deps.thumbnails.list('')),
      TE.map(({ originals, thumbnails }) => [...new Set([...originals, ...thumbnails].map(imageIdOf))]),
      TE.bindTo('ids'),
      TE.bind('existing', ({ ids }) =>
        pipe(
          A.chunksOf(BATCH)(ids),
          A.traverse(TE.ApplicativeSeq)((batch) => deps.images.existingIds(batch)),
          TE.map((sets) => new Set(sets.flatMap((s) => [...s]))),
        )),
      TE.bind('judged', ({ ids, existing }) =>
        pipe(
          ids.filter((id) => !existing.has(id)),
          A.traverse(TE.ApplicativeSeq)((id) => pipe(isOld(id), TE.map((old) => ({ id, old })))),
        )),
      TE.chainFirst(({ judged }) =>
        pipe(judged.filter((j) => j.old), A.traverse(TE.ApplicativeSeq)((j) => removeImageBlobs(deps, j.id)))),
      TE.bind('temporaries', () => removeStaleTemporaries(deps)(graceMs)),
      TE.map(({ ids, judged, temporaries }) => ({
        checked: ids.length,
        temporaries,
        removed: judged.filter((j) => j.old).map((j) => j.id),
        spared: judged.filter((j) => !j.old).map((j) => j.id),
      })),
    )
  }
