import { pipe } from 'fp-ts/function'
import * as A from 'fp-ts/ReadonlyArray'
import * as T from 'fp-ts/Task'
import * as TE from 'fp-ts/TaskEither'
import type { InfrastructureFailure } from '../../domain/errors'
import { completeDeletion, type PurgeDeps } from './delete-image'

/** How many marked images one sweep takes on, oldest mark first. */
export type PurgeDeletedImagesCommand = number
export type PurgeDeletedImagesError = InfrastructureFailure

export interface PurgeReport { readonly purged: number; readonly failed: readonly string[] }

/** The sweep: finishes deletions whose blobs could not be removed at the time. */
export const purgeDeletedImages = (deps: PurgeDeps) =>
  (limit: PurgeDeletedImagesCommand = 100): TE.TaskEither<PurgeDeletedImagesError, PurgeReport> =>
    pipe(
      deps.images.listDeleting(limit),
      TE.chainTaskK((ids) =>
        pipe(
          ids,
          A.map((id) => pipe(completeDeletion(deps, id), T.map((d) => ({ id, ...d })))),
          A.sequence(T.ApplicativeSeq),
        ),
      ),
      TE.map((outcomes) => ({
        purged: outcomes.filter((o) => o.complete).length,
        failed: outcomes.filter((o) => !o.complete).map((o) => o.id),
      })),
    )
