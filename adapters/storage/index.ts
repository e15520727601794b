/**
 * `imgtier/adapters/storage`: BlobStorage on the filesystem or S3. The S3 modules (and
 * with them the AWS SDK) load on the first call of an S3 factory, so an embedder of the
 * filesystem store never loads the SDK.
 */
import type * as S3BlobStorage from './s3-blob-storage'
import type * as S3Client from './s3-client'
import type * as S3Stores from './s3-stores'

export { fsBlobStorage } from './fs-blob-storage'
export { keyProblem, prefixProblem, MAX_KEY_LENGTH } from './blob-keys'
export type { S3BlobStorageOptions } from './s3-blob-storage'
export type { EnsuredBuckets, S3Settings } from './s3-client'
export type { S3Stores } from './s3-stores'

// `require` on first use, not `import` at the top: that is the whole point of these wrappers.
const blobStorage = (): typeof S3BlobStorage => require('./s3-blob-storage')
const client = (): typeof S3Client => require('./s3-client')
const stores = (): typeof S3Stores => require('./s3-stores')

export const s3BlobStorage: typeof S3BlobStorage.s3BlobStorage = (o) => blobStorage().s3BlobStorage(o)
export const s3Stores: typeof S3Stores.s3Stores = (o) => stores().s3Stores(o)
export const makeS3Client: typeof S3Client.makeS3Client = (s) => client().makeS3Client(s)
export const ensureBuckets: typeof S3Client.ensureBuckets = (...args) => client().ensureBuckets(...args)
