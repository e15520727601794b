import type { S3Client } from '@aws-sdk/client-s3'
import type { OriginalStorage, ThumbnailStorage } from '../../application/ports/blobs'
import { s3BlobStorage } from './s3-blob-storage'

/** Used when thumbnails share the originals' bucket: a prefix a lifecycle rule can target. */
export const SHARED_BUCKET_THUMBNAIL_PREFIX = 'thumbnails/'

export interface S3Stores {
  readonly originals: OriginalStorage
  readonly thumbnails: ThumbnailStorage
  /** Where thumbnails land, so an S3 event for one of them is never taken for an upload. */
  readonly thumbnailLocation: { readonly bucket: string; readonly prefix: string }
}

/**
 * The two stores from DESIGN.md §4's settings, shared by bootstrap and the Lambda so
 * both put thumbnails in the same place: their own bucket when one is named, else a
 * prefix of the originals' bucket.
 */
export const s3Stores = (o: { client: S3Client; bucket: string; thumbnailBucket?: string; publicEndpoint?: string }): S3Stores => {
  const thumbnailLocation = o.thumbnailBucket !== undefined && o.thumbnailBucket !== ''
    ? { bucket: o.thumbnailBucket, prefix: '' }
    : { bucket: o.bucket, prefix: SHARED_BUCKET_THUMBNAIL_PREFIX }
  const common = { client: o.client, ...(o.publicEndpoint !== undefined ? { publicEndpoint: o.publicEndpoint } : {}) }
  return {
    originals: s3BlobStorage({ ...common, bucket: o.bucket }),
    thumbnails: s3BlobStorage({ ...common, ...thumbnailLocation }),
    thumbnailLocation,
  }
}
