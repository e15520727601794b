import * as TE from 'fp-ts/TaskEither'
import type { InfrastructureFailure } from '../domain/errors'
import type { BlobStorage, PutOptions, StagedBlob } from './ports/blobs'

/**
 * Stages bytes in any store: the store's own `stage` where it has one (the filesystem
 * writes and fsyncs aside, then renames), else a `put` deferred to `commit` (S3, whose
 * put is atomic and whose events must not see bytes that are later refused).
 */
export const stageBlob = (
  storage: BlobStorage, key: string, bytes: Buffer, contentType: string, options?: PutOptions,
): TE.TaskEither<InfrastructureFailure, StagedBlob> =>
  storage.stage?.(key, bytes, contentType, options) ??
  TE.right({ commit: () => storage.put(key, bytes, contentType, options), discard: () => TE.right(undefined) })
