import { expect } from 'chai'
import type { BlobStorage } from '../../../application/ports/blobs'
import { s3BlobStorage } from '../../../adapters/storage/s3-blob-storage'
import { lambdaThumbnailRenderer } from '../../../adapters/thumbnails/lambda-thumbnail-renderer'
import { handlerFromEnv } from '../../../lambda/handler'
import { run, runLeft } from '../../contract/blob-storage.contract'
import { imageRenderingContract, thumbnailRendererContract, type ThumbnailRendererHarness } from '../../contract/thumbnail-renderer.contract'
import { makeJpeg } from '../../support/images'
import { type LambdaInvokeServer, startLambdaInvokeServer } from '../../support/lambda-invoke-server'
import { type TestS3, freshS3 } from '../../support/s3'

interface Rig { s3: TestS3; lambda: LambdaInvokeServer; originals: BlobStorage; thumbnails: BlobStorage }

/** The handler built from a DESIGN.md §4 environment, as a real cold start does, behind the Invoke API. */
const rig = async (): Promise<Rig> => {
  const s3 = await freshS3()
  const [bucket, thumbnailBucket] = [await s3.makeBucket(), await s3.makeBucket()]
  const handler = handlerFromEnv({
    IMGTIER_S3_BUCKET: bucket,
    IMGTIER_S3_THUMBNAIL_BUCKET: thumbnailBucket,
    IMGTIER_S3_ENDPOINT: s3.endpoint,
    IMGTIER_S3_REGION: s3.region,
    IMGTIER_S3_FORCE_PATH_STYLE: 'true',
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  })
  return {
    s3,
    lambda: await startLambdaInvokeServer(handler),
    originals: s3BlobStorage({ client: s3.client, bucket }),
    thumbnails: s3BlobStorage({ client: s3.client, bucket: thumbnailBucket }),
  }
}

const harness = async (): Promise<ThumbnailRendererHarness> => {
  const r = await rig()
  return {
    renderer: lambdaThumbnailRenderer({ client: r.lambda.client(), functionName: r.lambda.functionName, timeoutMs: 10_000 }),
    originals: r.originals,
    thumbnails: r.thumbnails,
    close: async () => {
      await r.lambda.close()
      await r.s3.close()
    },
  }
}

thumbnailRendererContract('Lambda (Invoke API → lambda/handler.ts → S3)', harness)
imageRenderingContract('Lambda (Invoke API → lambda/handler.ts → S3)', harness)

describe('lambdaThumbnailRenderer', () => {
  let r: Rig
  const request = { originalKey: 'img', height: 20, format: 'jpeg', thumbnailKey: 'img/20' } as const
  before(async () => {
    r = await rig()
    await run(r.originals.put('img', await makeJpeg({ width: 40, height: 40 }), 'image/jpeg'))
  })
  after(async () => {
    await r?.lambda.close()
    await r?.s3.close()
  })
  afterEach(() => {
    r.lambda.behaviour = { kind: 'normal' }
  })

  it('turns a function error into RenderFailed, not timed out', async () => {
    r.lambda.behaviour = { kind: 'function-error', message: 'Runtime exited with error: signal: killed' }
    const renderer = lambdaThumbnailRenderer({ client: r.lambda.client(), functionName: r.lambda.functionName, timeoutMs: 5_000 })
    const failure = await runLeft(renderer.render(request))
    expect(failure).to.deep.include({ _tag: 'RenderFailed', timedOut: false })
    expect(failure).to.have.property('reason').that.matches(/signal: killed/)
  })

  it("reports Lambda's own timeout as timed out", async () => {
    r.lambda.behaviour = { kind: 'function-error', message: 'Task timed out after 30.03 seconds' }
    const renderer = lambdaThumbnailRenderer({ client: r.lambda.client(), functionName: r.lambda.functionName, timeoutMs: 5_000 })
    expect(await runLeft(renderer.render(request))).to.deep.include({ _tag: 'RenderFailed', timedOut: true })
  })

  it('gives up on a slow function after timeoutMs instead of hanging', async () => {
    r.lambda.behaviour = { kind: 'slow', delayMs: 5_000 }
    const renderer = lambdaThumbnailRenderer({ client: r.lambda.client(), functionName: r.lambda.functionName, timeoutMs: 300 })
    const started = performance.now()
    expect(await runLeft(renderer.render(request))).to.deep.include({ _tag: 'RenderFailed', timedOut: true })
    expect(performance.now() - started).to.be.below(1_500)
  })

  it('turns a missing function and an unreachable endpoint into RenderFailed', async () => {
    const missing = lambdaThumbnailRenderer({ client: r.lambda.client(), functionName: 'no-such-function', timeoutMs: 5_000 })
    expect(await runLeft(missing.render(request))).to.have.property('reason').that.matches(/ResourceNotFoundException/)
    const { LambdaClient } = await import('@aws-sdk/client-lambda')
    const nowhere = new LambdaClient({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' }, maxAttempts: 1 })
    const failure = await runLeft(lambdaThumbnailRenderer({ client: nowhere, functionName: 'f', timeoutMs: 5_000 }).render(request))
    nowhere.destroy()
    expect(failure).to.deep.include({ _tag: 'RenderFailed', timedOut: false })
  })

  it('still works after all that', async () => {
    const renderer = lambdaThumbnailRenderer({ client: r.lambda.client(), functionName: r.lambda.functionName, timeoutMs: 5_000 })
    expect(await run(renderer.render(request))).to.deep.include({ thumbnailKey: 'img/20', width: 20, height: 20 })
  })
})
