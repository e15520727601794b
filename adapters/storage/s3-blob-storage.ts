import {
  DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, PutObjectCommand, type S3Client,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3'
import type { S3RequestPresigner } from '@aws-sdk/s3-request-presigner'
import { Readable } from 'node:stream'
import * as TE from 'fp-ts/TaskEither'
import type { BlobStorage, BlobStream } from '../../application/ports/blobs'
import { type BlobNotFound, type InfrastructureFailure, infrastructureFailure } from '../../domain/errors'
import { keyProblem, prefixProblem } from './blob-keys'
import { THUMBNAIL_HEIGHTS_METADATA } from '../thumbnails'
import { isS3NotFound } from './s3-client'
import { s3Presigner } from './s3-presign'

export interface S3BlobStorageOptions {
  readonly client: S3Client
  readonly bucket: string
  /** Namespaces this store inside a shared bucket (e.g. "thumbnails/"). */
  readonly prefix?: string
  readonly presigner?: S3RequestPresigner
  /** Where browsers reach S3 when it differs from where this process does. */
  readonly publicEndpoint?: string
}

/** Deleting one by one: DeleteObjects needs Content-MD5 or a flexible checksum that not every S3-compatible server accepts, and a prefix here is one image's few thumbnails. */
const DELETE_CONCURRENCY = 8

export const s3BlobStorage = (o: S3BlobStorageOptions): BlobStorage => {
  const { client, bucket } = o
  const prefix = o.prefix ?? ''
  const full = (key: string) => `${prefix}${key}`
  const presign = s3Presigner(client, bucket, { ...(o.presigner ? { presigner: o.presigner } : {}), ...(o.publicEndpoint ? { publicEndpoint: o.publicEndpoint } : {}) })

  // The same refusals as the filesystem store, so the two cannot disagree about which keys exist.
  const checked = <A>(problem: string | undefined, what: string, run: () => Promise<A>): TE.TaskEither<InfrastructureFailure, A> =>
    problem !== undefined ? TE.left(infrastructureFailure(what)(new Error(problem))) : TE.tryCatch(run, infrastructureFailure(what))

  const listKeys = async (p: string): Promise<string[]> => {
    const keys: string[] = []
    for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: full(p) })) {
      for (const obj of page.Contents ?? []) if (obj.Key !== undefined) keys.push(obj.Key.slice(prefix.length))
    }
    return keys.sort()
  }

  return {
    put: (key, bytes, contentType, options = {}) =>
      checked(keyProblem(key), `s3 put ${key}`, async () => {
        const heights = options.eagerThumbnailHeights ?? []
        const Metadata = heights.length > 0 ? { [THUMBNAIL_HEIGHTS_METADATA]: heights.join(',') } : undefined
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: full(key), Body: bytes, ContentType: contentType, ContentLength: bytes.length, Metadata }))
      }),

    get: (key) => {
      const problem = keyProblem(key)
      if (problem !== undefined) return TE.left(infrastructureFailure(`s3 get ${key}`)(new Error(problem)))
      return TE.tryCatchK(
        async () => {
          const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: full(key) }))
          if (out.Body === undefined) throw new Error('GetObject answered without a body')
          return { bytes: Buffer.from(await out.Body.transformToByteArray()), contentType: out.ContentType ?? 'application/octet-stream' }
        },
        (e): BlobNotFound | InfrastructureFailure =>
          isS3NotFound(e, 'NoSuchKey') ? { _tag: 'BlobNotFound', key } : infrastructureFailure(`s3 get ${key}`)(e),
      )()
    },

    open: (key) => {
      const problem = keyProblem(key)
      if (problem !== undefined) return TE.left(infrastructureFailure(`s3 open ${key}`)(new Error(problem)))
      return TE.tryCatchK(
        async (): Promise<BlobStream> => {
          const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: full(key) }))
          // In Node the SDK's body is a Readable: it streams straight to the client.
          if (!(out.Body instanceof Readable) || out.ContentLength === undefined) throw new Error('GetObject answered without a stream body or its length')
          return { body: out.Body, length: out.ContentLength, contentType: out.ContentType ?? 'application/octet-stream' }
        },
        (e): BlobNotFound | InfrastructureFailure =>
          isS3NotFound(e, 'NoSuchKey') ? { _tag: 'BlobNotFound', key } : infrastructureFailure(`s3 open ${key}`)(e),
      )()
    },

    exists: (key) =>
      checked(keyProblem(key), `s3 exists ${key}`, async () => {
        try {
          await client.send(new HeadObjectCommand({ Bucket: bucket, Key: full(key) }))
          return true
        } catch (e) {
          if (isS3NotFound(e, 'NotFound', 'NoSuchKey')) return false
          throw e
        }
      }),

    modifiedAt: (key) => {
      const problem = keyProblem(key)
      if (problem !== undefined) return TE.left(infrastructureFailure(`s3 modifiedAt ${key}`)(new Error(problem)))
      return TE.tryCatchK(
        async () => {
          const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: full(key) }))
          if (head.LastModified === undefined) throw new Error('HeadObject answered without LastModified')
          return head.LastModified
        },
        (e): BlobNotFound | InfrastructureFailure =>
          isS3NotFound(e, 'NotFound', 'NoSuchKey') ? { _tag: 'BlobNotFound', key } : infrastructureFailure(`s3 modifiedAt ${key}`)(e),
      )()
    },

    // S3's DeleteObject already succeeds on a missing key.
    delete: (key) => checked(keyProblem(key), `s3 delete ${key}`, async () => void (await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: full(key) })))),

    deletePrefix: (p) =>
      checked(prefixProblem(p), `s3 deletePrefix ${p}`, async () => {
        const keys = await listKeys(p)
        for (let i = 0; i < keys.length; i += DELETE_CONCURRENCY) {
          await Promise.all(keys.slice(i, i + DELETE_CONCURRENCY).map((k) => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: full(k) }))))
        }
        return keys.length
      }),

    list: (p) => checked(prefixProblem(p), `s3 list ${p}`, () => listKeys(p)),

    ping: () => checked(undefined, 's3 ping', async () => void (await client.send(new HeadBucketCommand({ Bucket: bucket })))),

    presignGet: (key, expiresInSeconds, headers) =>
      checked(keyProblem(key), `s3 presign ${key}`, () => presign(full(key), expiresInSeconds, headers)),
  }
}
