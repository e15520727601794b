import { PutObjectCommand } from '@aws-sdk/client-s3'
import { expect } from 'chai'
import sharp from 'sharp'
import type { BlobStorage } from '../../../application/ports/blobs'
import { s3BlobStorage } from '../../../adapters/storage/s3-blob-storage'
import { handlerFromEnv } from '../../../lambda/handler'
import { lambdaSettings } from '../../../lambda/config'
import { run } from '../../contract/blob-storage.contract'
import { makeJpeg, makePng } from '../../support/images'
import { type TestS3, freshS3 } from '../../support/s3'
import { s3Record } from '../../support/s3-events'


describe('lambda/handler', () => {
  let s3: TestS3
  let bucket: string
  let handler: (event: unknown) => Promise<unknown>
  let thumbnails: BlobStorage

  before(async () => {
    s3 = await freshS3()
    bucket = await s3.makeBucket()
    // No thumbnail bucket: thumbnails go under a prefix of the originals' bucket.
    handler = handlerFromEnv({
      IMGTIER_S3_BUCKET: bucket,
      IMGTIER_S3_ENDPOINT: s3.endpoint,
      IMGTIER_S3_REGION: s3.region,
      IMGTIER_S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
    })
    thumbnails = s3BlobStorage({ client: s3.client, bucket, prefix: 'thumbnails/' })
  })
  after(async () => s3?.close())

  const upload = (key: string, body: Buffer, heights?: string) =>
    s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'image/jpeg', ...(heights ? { Metadata: { 'thumbnail-heights': heights } } : {}) }))

  const refusal = async (event: unknown): Promise<string> => {
    try {
      await handler(event)
    } catch (e) {
      return e instanceof Error ? e.message : String(e)
    }
    return expect.fail('the handler accepted it')
  }

  it('refuses an invalid payload, naming each problem', async () => {
    const message = await refusal({ originalKey: '', height: 5, format: 'gif' })
    expect(message).to.match(/^invalid render request:/)
    expect(message).to.include('originalKey: must be a key')
    expect(message).to.include('height: must be an integer from 16 to 4096')
    expect(message).to.match(/format: expected/)
    expect(message).to.include('thumbnailKey: must be a key')
    expect(await refusal('just a string')).to.match(/invalid render request/)
    expect(await refusal({ Records: [{ eventSource: 'aws:sqs' }] })).to.match(/^not an S3 event notification:/)
  })

  it('renders every height named in the metadata of an uploaded original, decoding the key', async () => {
    const key = 'my cat+dog.jpg'
    await upload(key, await makeJpeg({ width: 80, height: 60 }), '20, 40,abc,5')
    const outcome = await handler({ Records: [s3Record(bucket, 'my+cat%2Bdog.jpg')] })
    expect(outcome).to.deep.equal({
      rendered: [
        { thumbnailKey: `${key}/20`, width: 27, height: 20, bytes: (await run(thumbnails.get(`${key}/20`))).bytes.length },
        { thumbnailKey: `${key}/40`, width: 53, height: 40, bytes: (await run(thumbnails.get(`${key}/40`))).bytes.length },
      ],
      skipped: [{ key, reason: 'ignored heights: abc, 5' }],
    })
    const meta = await sharp((await run(thumbnails.get(`${key}/40`))).bytes).metadata()
    expect([meta.format, meta.width, meta.height]).to.deep.equal(['jpeg', 53, 40])
  })

  it('keeps the format by the bytes: a PNG stays a PNG', async () => {
    await upload('pic', await makePng({ width: 32, height: 32, alpha: true }), '16')
    await handler({ Records: [s3Record(bucket, 'pic')] })
    expect((await run(thumbnails.get('pic/16'))).contentType).to.equal('image/png')
  })

  it('ignores its own thumbnails, other buckets, other events and unannotated uploads', async () => {
    await upload('plain', await makeJpeg({ width: 20, height: 20 }))
    const outcome = await handler({
      Records: [
        s3Record(bucket, 'thumbnails/pic/16'),
        s3Record('someone-elses-bucket', 'pic'),
        s3Record(bucket, 'pic', { eventName: 'ObjectRemoved:Delete' }),
        s3Record(bucket, 'plain'),
      ],
    })
    expect(outcome).to.deep.equal({
      rendered: [],
      skipped: [
        { key: 'thumbnails/pic/16', reason: 'a thumbnail, not an original' },
        { key: 'pic', reason: 'bucket someone-elses-bucket is not the originals bucket' },
        { key: 'pic', reason: 'event ObjectRemoved:Delete ignored' },
        { key: 'plain', reason: 'no valid thumbnail-heights metadata' },
      ],
    })
  })

  it('skips, without retrying, an original that is not an image', async () => {
    await upload('fake', Buffer.from('%PDF-1.7 not an image'), '200')
    expect(await handler({ Records: [s3Record(bucket, 'fake')] })).to.deep.equal({ rendered: [], skipped: [{ key: 'fake', reason: 'not a JPEG or PNG (pdf)' }] })
  })

  it('stops a misconfigured cold start with one line per problem', () => {
    expect(() => lambdaSettings({ IMGTIER_S3_FORCE_PATH_STYLE: 'maybe' })).to.throw(/IMGTIER_S3_BUCKET: must be set[\s\S]*IMGTIER_S3_FORCE_PATH_STYLE/)
  })

  it('reads each variable exactly as the API does (one environment for both)', () => {
    for (const [raw, parsed] of [['yes', true], ['1', true], ['on', true], ['false', false], ['0', false]] as const) {
      expect(lambdaSettings({ IMGTIER_S3_BUCKET: 'b', IMGTIER_S3_FORCE_PATH_STYLE: raw }).s3.forcePathStyle, raw).to.equal(parsed)
    }
    expect(() => lambdaSettings({ IMGTIER_S3_BUCKET: 'b', IMGTIER_S3_ENDPOINT: 'not a url' })).to.throw(/IMGTIER_S3_ENDPOINT: must be a URL/)
  })
})
