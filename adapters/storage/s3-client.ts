import {
  CreateBucketCommand, HeadBucketCommand, PutBucketLifecycleConfigurationCommand, S3Client, S3ServiceException,
} from '@aws-sdk/client-s3'

export interface S3Settings {
  /** Unset: AWS itself, region and credentials from the SDK's usual chain. */
  readonly endpoint?: string
  readonly region?: string
  readonly forcePathStyle?: boolean
  /** sessionToken: temporary credentials (a Lambda's execution role) are refused without it. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string }
}

/**
 * Checksums only WHEN_REQUIRED: with the SDK's default (always), several S3-compatible
 * servers reject or corrupt streamed uploads (Ceph answers 411 MissingContentLength).
 */
export const makeS3Client = (s: S3Settings): S3Client =>
  new S3Client({
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(s.endpoint !== undefined ? { endpoint: s.endpoint } : {}),
    ...(s.region !== undefined ? { region: s.region } : {}),
    ...(s.forcePathStyle !== undefined ? { forcePathStyle: s.forcePathStyle } : {}),
    ...(s.credentials !== undefined ? { credentials: { ...s.credentials } } : {}),
  })

export const s3ErrorName = (e: unknown): string | undefined => (e instanceof Error ? e.name : undefined)

/**
 * 404 by status as well as by name: HEAD answers have no body to carry a code. A
 * missing bucket is misconfiguration, never a missing blob.
 */
export const isS3NotFound = (e: unknown, ...names: string[]): boolean => {
  const name = s3ErrorName(e) ?? ''
  if (name === 'NoSuchBucket') return false
  return names.includes(name) || (e instanceof S3ServiceException && e.$metadata.httpStatusCode === 404)
}

const ensureBucket = async (client: S3Client, bucket: string): Promise<boolean> => {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }))
    return false
  } catch (e) {
    if (!isS3NotFound(e, 'NotFound') && s3ErrorName(e) !== 'NoSuchBucket') throw e
  }
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }))
    return true
  } catch (e) {
    // Another instance starting at the same moment won the race: that is fine.
    if (s3ErrorName(e) === 'BucketAlreadyOwnedByYou') return false
    throw e
  }
}

export interface EnsuredBuckets {
  readonly created: readonly string[]
  /** 'unsupported' when the server has no lifecycle API (s3rver): thumbnails then live until deleted. */
  readonly thumbnailExpiry: 'set' | 'unsupported'
}

/**
 * Creates the buckets that are missing and makes thumbnails a cache whose objects
 * expire after N days: their whole bucket, or only their prefix when they share the
 * originals' bucket. Originals never expire: a rule that could reach them is refused.
 */
export const ensureBuckets = async (
  client: S3Client,
  buckets: { readonly originals: string; readonly thumbnails: { readonly bucket: string; readonly prefix: string } },
  { thumbnailExpiryDays = 7 }: { readonly thumbnailExpiryDays?: number } = {},
): Promise<EnsuredBuckets> => {
  const { bucket: thumbnailBucket, prefix } = buckets.thumbnails
  if (thumbnailBucket === buckets.originals && prefix === '') throw new Error('thumbnails sharing the originals\' bucket need a prefix, or their expiry would delete originals')
  const created: string[] = []
  for (const b of new Set([buckets.originals, thumbnailBucket])) if (await ensureBucket(client, b)) created.push(b)
  try {
    await client.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: thumbnailBucket,
        LifecycleConfiguration: {
          Rules: [{ ID: 'imgtier-expire-thumbnails', Status: 'Enabled', Filter: { Prefix: prefix }, Expiration: { Days: thumbnailExpiryDays } }],
        },
      }),
    )
    return { created, thumbnailExpiry: 'set' }
  } catch (e) {
    if (s3ErrorName(e) === 'NotImplemented') return { created, thumbnailExpiry: 'unsupported' }
    throw e
  }
}
