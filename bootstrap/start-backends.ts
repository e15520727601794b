import path from 'node:path'
import * as E from 'fp-ts/Either'
import type { Logger } from 'pino'
import type { BlobStorage } from '../application/ports/blobs'
import { openDatabase, type Database } from '../adapters/persistence'
import type { Config } from './config'
import { describePostgres, waitForBackend } from './startup-retry'
import { makeStorage, type Storage } from './storage'

const retryLog = (logger: Logger) => (backend: string, attempt: number, reason: string) =>
  logger.warn({ backend, attempt, reason }, 'backend not reachable yet; retrying')

/** The configured database, opened (and migrated) once it answers; its name in every failure. */
export const openDatabaseAtStart = async (config: Config, logger: Logger): Promise<Database> => {
  const pgliteDir = path.join(config.dataDir, 'pglite')
  const name = config.databaseUrl !== undefined ? `database (${describePostgres(config.databaseUrl)})` : `database (embedded PGlite in ${pgliteDir})`
  let database: Database | undefined
  await waitForBackend({
    name,
    connect: async () => { database = await openDatabase({ url: config.databaseUrl, pgliteDir, migrate: config.migrateOnStart }) },
  }, { timeoutMs: config.startupTimeoutMs, onRetry: retryLog(logger) })
  if (database === undefined) throw new Error(`${name}: not opened`)
  return database
}

/** Blob storage, each store answering before the API says it is up (a missing bucket is named). */
export const openStorageAtStart = async (config: Config, logger: Logger): Promise<Storage> => {
  const where = config.storage === 's3' ? `S3 at ${config.s3.endpoint ?? `AWS ${config.s3.region}`}` : `blob directory ${path.join(config.dataDir, 'blobs')}`
  let storage: Storage | undefined
  // Creating buckets talks to S3 too: it is retried with the rest.
  await waitForBackend({ name: where, connect: async () => { storage = await makeStorage(config, logger) } },
    { timeoutMs: config.startupTimeoutMs, onRetry: retryLog(logger) })
  if (storage === undefined) throw new Error(`${where}: not opened`)
  const thumbnailBucket = config.s3.thumbnailBucket ?? config.s3.bucket
  const stores: readonly [string, BlobStorage][] = config.storage === 's3'
    ? [[`S3 bucket "${config.s3.bucket}" (originals) at ${config.s3.endpoint ?? `AWS ${config.s3.region}`}`, storage.originals],
        [`S3 bucket "${thumbnailBucket}" (thumbnails) at ${config.s3.endpoint ?? `AWS ${config.s3.region}`}`, storage.thumbnails]]
    : [[where, storage.originals]]
  for (const [name, store] of stores) {
    await waitForBackend({ name, connect: () => pinged(store) }, { timeoutMs: config.startupTimeoutMs, onRetry: retryLog(logger) })
  }
  return storage
}

const pinged = async (store: BlobStorage): Promise<void> => {
  const result = await store.ping()()
  if (E.isLeft(result)) throw result.left.cause instanceof Error ? withHint(result.left.cause) : new Error(result.left.what)
}

/** HeadBucket answers a bare 404 for a missing bucket; say what to do about it. */
const withHint = (err: Error): Error => {
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode
  if (status === 404) return new Error('the bucket does not exist (create it, or set IMGTIER_S3_CREATE_BUCKETS=true)')
  if (status === 403) return new Error('access denied (check the credentials and the bucket policy)')
  return err
}
