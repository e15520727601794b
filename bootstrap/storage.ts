import path from 'node:path'
import type { Logger } from 'pino'
import type { BlobStorage, ThumbnailRenderer } from '../application/ports/blobs'
import { fsBlobStorage } from '../adapters/storage/fs-blob-storage'
import { ensureBuckets, makeS3Client } from '../adapters/storage/s3-client'
import { s3BlobStorage } from '../adapters/storage/s3-blob-storage'
import { sharpThumbnailRenderer } from '../adapters/thumbnails/sharp-thumbnail-renderer'
import type { Config } from './config'

export interface Storage { readonly originals: BlobStorage; readonly thumbnails: BlobStorage }

/** Originals and thumbnails in two namespaces: thumbnails are a cache, originals never expire. */
export const makeStorage = async (config: Config, logger: Logger): Promise<Storage> => {
  if (config.storage === 'fs') {
    const root = path.join(config.dataDir, 'blobs')
    return { originals: fsBlobStorage(path.join(root, 'originals')), thumbnails: fsBlobStorage(path.join(root, 'thumbnails')) }
  }
  const s3 = config.s3
  const client = makeS3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: s3.forcePathStyle })
  if (s3.createBuckets) {
    const ensured = await ensureBuckets(client, { originals: s3.bucket, thumbnails: s3.thumbnailBucket }, { thumbnailExpiryDays: s3.thumbnailExpiryDays })
    logger.info({ ...ensured }, 'S3 buckets ensured')
  }
  const publicEndpoint = s3.publicEndpoint ? { publicEndpoint: s3.publicEndpoint } : {}
  return {
    originals: s3BlobStorage({ client, bucket: s3.bucket, ...publicEndpoint }),
    thumbnails: s3BlobStorage({ client, bucket: s3.thumbnailBucket, ...publicEndpoint }),
  }
}

export const makeRenderer = (config: Config, storage: Storage): ThumbnailRenderer => {
  switch (config.thumbnailer.kind) {
    case 'inprocess':
      return sharpThumbnailRenderer(storage)
    case 'lambda':
      throw new Error('IMGTIER_THUMBNAILER=lambda is wired in bootstrap/lambda-renderer.ts') // replaced below once the adapter lands
  }
}
