import { pipe } from 'fp-ts/function'
import * as A from 'fp-ts/ReadonlyArray'
import * as TE from 'fp-ts/TaskEither'
import type { InfrastructureFailure } from '../../domain/errors'
import { originalKey } from '../../domain/image'
import type { ImageRepository } from '../ports/repositories'
import type { Clock } from '../ports/runtime'
import { removeImageBlobs, type BlobsOfImages } from './delete-image'

/** Longer than any upload takes between storing its blob and writing its row. */
export const RECONCILE_GRACE_MS = 60 * 60 * 1000
const BATCH = 500

export interface ReconcileReport {
  /** Image ids found in blob storage. */
  readonly checked: number
  /** Ids whose blobs no row accounts for and which were old enough to remove. */
  readonly removed: readonly string[]
  /** Ids without a row but too young to judge: an upload may be between blob and row. */
  readonly spared: readonly string[]
}

/** The image id a key belongs to: originals are `<id>`, thumbnails `<id>/<height>`. */
const imageIdOf = (key: string): string => key.split('/')[0] ?? key

/**
 * Removes blobs that no image row accounts for: what a crash between storing an upload
 * and writing its row, or a failed clean-up after a failed upload, leaves behind. Rows
 * marked for deletion still count (the purge sweep owns them). Young blobs are spared:
 * an upload in flight has stored its blob and not yet its row.
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
      TE.map(({ ids, judged }) => ({
        checked: ids.length,
        removed: judged.filter((j) => j.old).map((j) => j.id),
        spared: judged.filter((j) => !j.old).map((j) => j.id),
      })),
    )
  }
