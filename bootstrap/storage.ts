import path from 'node:path'
import { LambdaClient } from '@aws-sdk/client-lambda'
import type { Logger } from 'pino'
import type { OriginalStorage, ThumbnailRenderer, ThumbnailStorage } from '../application/ports/blobs'
import { measuredBlobStorage, type Metrics } from '../adapters/metrics'
import { fsBlobStorage } from '../adapters/storage/fs-blob-storage'
import { ensureBuckets, makeS3Client } from '../adapters/storage/s3-client'
import { s3Stores } from '../adapters/storage/s3-stores'
import { lambdaThumbnailRenderer } from '../adapters/thumbnails/lambda-thumbnail-renderer'
import { sharpThumbnailRenderer } from '../adapters/thumbnails/sharp-thumbnail-renderer'
import type { Config } from './config'

export interface Storage { readonly originals: OriginalStorage; readonly thumbnails: ThumbnailStorage }

/** Originals and thumbnails in two namespaces: thumbnails are a cache, originals never expire. */
export const makeStorage = async (config: Config, logger: Logger): Promise<Storage> => {
  if (config.storage === 'fs') {
    const root = path.join(config.dataDir, 'blobs')
    return { originals: fsBlobStorage(path.join(root, 'originals')), thumbnails: fsBlobStorage(path.join(root, 'thumbnails'), { durable: false }) }
  }
  const s3 = config.s3
  const client = makeS3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: s3.forcePathStyle })
  const { originals, thumbnails, thumbnailLocation } = s3Stores({
    client,
    bucket: s3.bucket,
    ...(s3.thumbnailBucket ? { thumbnailBucket: s3.thumbnailBucket } : {}),
    ...(s3.publicEndpoint ? { publicEndpoint: s3.publicEndpoint } : {}),
  })
  if (s3.createBuckets) {
    const ensured = await ensureBuckets(client, { originals: s3.bucket, thumbnails: thumbnailLocation }, { thumbnailExpiryDays: s3.thumbnailExpiryDays })
    logger.info({ ...ensured }, 'S3 buckets ensured')
  }
  return { originals, thumbnails }
}

/** Both stores timed by operation; thumbnail reads counted as cache hits and misses. */
export const measuredStorage = (storage: Storage, metrics: Metrics): Storage => ({
  originals: measuredBlobStorage(storage.originals, 'originals', metrics),
  thumbnails: measuredBlobStorage(storage.thumbnails, 'thumbnails', metrics),
})

export const makeRenderer = (config: Config, storage: Storage): ThumbnailRenderer => {
  const t = config.thumbnailer
  switch (t.kind) {
    case 'inprocess':
      return sharpThumbnailRenderer(storage)
    case 'lambda':
      return lambdaThumbnailRenderer({
        client: new LambdaClient({ region: t.region, ...(t.endpoint ? { endpoint: t.endpoint } : {}), maxAttempts: 1 }),
        functionName: t.functionName,
        timeoutMs: t.timeoutMs,
      })
  }
}
