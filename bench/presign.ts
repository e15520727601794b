// Run on purpose: node -r @swc-node/register bench/presign.ts
//
// Why redirect delivery presigns with S3RequestPresigner#presign (adapters/storage/s3-presign.ts)
// rather than getSignedUrl: the latter builds and runs the whole client middleware stack for
// every URL. Signing is local (no network): the endpoint below is never contacted.
import { GetObjectCommand } from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import * as E from 'fp-ts/Either'
import { makeS3Client } from '../adapters/storage/s3-client'
import { s3BlobStorage } from '../adapters/storage/s3-blob-storage'

const perCallMicros = async (n: number, f: () => Promise<unknown>): Promise<number> => {
  for (let i = 0; i < Math.min(n, 2_000); i++) await f() // warm up the JIT and the lazily resolved endpoint
  const start = process.hrtime.bigint()
  for (let i = 0; i < n; i++) await f()
  return Number(process.hrtime.bigint() - start) / 1000 / n
}

const client = makeS3Client({
  endpoint: 'http://127.0.0.1:7480',
  region: 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: 'BENCHACCESSKEY000000', secretAccessKey: 'benchsecretkey0000000000000000000000000' },
})
const bucket = 'imgtier-originals'
const key = '0b7e4a2c-5d1f-4e8a-9c3b-2f6d8e1a7b90'
const headers = { contentType: 'image/jpeg', cacheControl: 'private, max-age=300' }
const storage = s3BlobStorage({ client, bucket })
const presignGet = storage.presignGet
if (presignGet === undefined) throw new Error('s3BlobStorage always presigns')

const viaPort = async (): Promise<string> => {
  const url = await presignGet(key, 300, headers)()
  if (E.isLeft(url)) throw new Error(`presignGet failed: ${url.left.what}`)
  return url.right
}
const viaGetSignedUrl = (): Promise<string> =>
  getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key, ResponseContentType: headers.contentType, ResponseCacheControl: headers.cacheControl }), { expiresIn: 300 })

const main = async () => {
  const N = Number(process.env.N ?? 20_000)
  // Same signed parameters, or the comparison would be of different work.
  const [a, b] = [new URL(await viaPort()), new URL(await viaGetSignedUrl())]
  const names = (u: URL) => new Set(u.searchParams.keys())
  const only = (x: URL, y: URL) => [...names(x)].filter((k) => !names(y).has(k)).join(',') || 'none'
  console.log(`same path: ${a.pathname === b.pathname}; parameters only in presignGet: ${only(a, b)}; only in getSignedUrl: ${only(b, a)}`)
  console.log(`N = ${N}, node ${process.version}`)
  const port = await perCallMicros(N, viaPort)
  const sdk = await perCallMicros(N, viaGetSignedUrl)
  console.log(`presignGet (port, S3RequestPresigner#presign): ${port.toFixed(1)} µs per URL`)
  console.log(`getSignedUrl (GetObjectCommand):             ${sdk.toFixed(1)} µs per URL`)
  console.log(`ratio: ${(sdk / port).toFixed(1)}×; a page of 100 images × 3 links: ${(port * 300 / 1000).toFixed(1)} ms vs ${(sdk * 300 / 1000).toFixed(1)} ms`)
  client.destroy()
}

main().catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
