/**
 * The Lambda thumbnailer failing over HTTP (the real @aws-sdk/client-lambda against the
 * local Invoke API): a function error is 502 thumbnail_failed, a timeout 503
 * thumbnail_timeout with Retry-After, answered within the configured timeout, never a
 * hang; the server keeps serving; once the function recovers the same request renders.
 * Then S3 ObjectCreated eager rendering end to end: the event's thumbnails land where
 * the API reads them, so the API serves them without rendering.
 */
import { InvokeCommand } from '@aws-sdk/client-lambda'
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { expect } from 'chai'
import sharp from 'sharp'
import { makeJpeg } from '../../support/images'
import { Client, expectProblem, type Reply } from '../../support/http'
import { startTestServer, type TestServer } from '../../support/server'
import { objectCreatedEvent } from '../../support/s3-events'

type NewUser = Awaited<ReturnType<Client['newUser']>>

/** Low, so a timeout test costs half a second; still far above a small render (~50 ms). */
const LAMBDA_TIMEOUT_MS = 500

const timed = async (run: () => Promise<Reply>): Promise<{ reply: Reply; ms: number }> => {
  const start = performance.now()
  const reply = await run()
  return { reply, ms: performance.now() - start }
}

describe('Lambda thumbnailer failures and eager rendering over HTTP (aws backend)', function () {
  this.timeout(60_000)
  let server: TestServer
  let api: Client
  let owner: NewUser
  let jpeg: Buffer

  before(async () => {
    server = await startTestServer({ backend: 'aws', env: { IMGTIER_LAMBDA_TIMEOUT_MS: String(LAMBDA_TIMEOUT_MS) } })
    api = new Client(server.url)
    const adminToken = await api.login(server.admin.username, server.admin.password)
    owner = await api.newUser(adminToken, 'Enterprise')
    jpeg = await makeJpeg({ width: 300, height: 240 })
  })
  afterEach(() => {
    // One test's broken function must never leak into the next.
    if (server?.lambda) server.lambda.behaviour = { kind: 'normal' }
  })
  after(() => server?.close())

  const lambda = () => {
    const l = server.lambda
    if (l === undefined) throw new Error('the aws backend has a Lambda Invoke API')
    return l
  }

  const uploadOne = async (): Promise<string> => {
    const r = await api.upload(owner.token, jpeg, 'pic.jpg')
    expect(r.status).to.equal(201)
    return r.json.id
  }

  const expectThumbnail = async (reply: Reply, height: number): Promise<void> => {
    expect(reply.status, `status (body: ${reply.body.toString('utf8').slice(0, 200)})`).to.equal(200)
    expect(reply.headers.get('content-type')).to.equal('image/jpeg')
    expect(await sharp(reply.body).metadata()).to.include({ format: 'jpeg', height })
  }

  /** The process still answers other work, and not only cheap work. */
  const expectStillServing = async (imageId: string): Promise<void> => {
    expect((await api.get('/healthz')).status).to.equal(200)
    const original = await api.get(`/images/${imageId}/original`, owner.token)
    expect(original.status).to.equal(200)
    expect(Buffer.compare(original.body, jpeg)).to.equal(0)
  }

  it('a function error is 502 thumbnail_failed, without the function\'s message; after recovery the same request renders', async () => {
    const id = await uploadOne()
    lambda().behaviour = { kind: 'function-error', message: 'sharp exploded: /var/task/secret/path.js' }
    const before = lambda().invocations
    const { reply } = await timed(() => api.get(`/images/${id}/thumbnails/200`, owner.token))
    expectProblem(reply, 502, 'thumbnail_failed')
    expect(reply.body.toString('utf8')).not.to.contain('sharp exploded')
    expect(lambda().invocations, 'the function was really invoked').to.equal(before + 1)
    // A failure is not cached: the next try invokes again, and fails again while broken.
    expectProblem(await api.get(`/images/${id}/thumbnails/200`, owner.token), 502, 'thumbnail_failed')
    expect(lambda().invocations).to.equal(before + 2)
    await expectStillServing(id)

    lambda().behaviour = { kind: 'normal' }
    await expectThumbnail(await api.get(`/images/${id}/thumbnails/200`, owner.token), 200)
  })

  it("Lambda's own timeout (a function error saying 'Task timed out') is 503 thumbnail_timeout with Retry-After", async () => {
    const id = await uploadOne()
    lambda().behaviour = { kind: 'function-error', message: '2026-01-15T12:00:03.000Z 1c9f Task timed out after 3.00 seconds' }
    const reply = await api.get(`/images/${id}/thumbnails/200`, owner.token)
    expectProblem(reply, 503, 'thumbnail_timeout')
    expect(Number(reply.headers.get('retry-after'))).to.be.greaterThan(0)
    lambda().behaviour = { kind: 'normal' }
    await expectThumbnail(await api.get(`/images/${id}/thumbnails/200`, owner.token), 200)
  })

  it('a function slower than IMGTIER_LAMBDA_TIMEOUT_MS is 503 thumbnail_timeout with Retry-After, on time, and never hangs', async () => {
    const id = await uploadOne()
    lambda().behaviour = { kind: 'slow', delayMs: 10_000 }
    const pending = timed(() => api.get(`/images/${id}/thumbnails/200`, owner.token))
    // While a render waits on the slow function, the server answers everything else.
    await expectStillServing(id)
    const { reply, ms } = await pending
    expectProblem(reply, 503, 'thumbnail_timeout')
    expect(Number(reply.headers.get('retry-after'))).to.be.greaterThan(0)
    expect(ms, 'answered at the timeout, not after the slow function').to.be.within(LAMBDA_TIMEOUT_MS - 50, LAMBDA_TIMEOUT_MS + 1_500)

    // Several waiting requests for the same thumbnail share one invocation and one 503.
    const before = lambda().invocations
    const replies = await Promise.all([1, 2, 3].map(() => api.get(`/images/${id}/thumbnails/200`, owner.token)))
    for (const r of replies) expectProblem(r, 503, 'thumbnail_timeout')
    expect(lambda().invocations).to.equal(before + 1)

    lambda().behaviour = { kind: 'normal' }
    await expectThumbnail(await api.get(`/images/${id}/thumbnails/200`, owner.token), 200)
  })

  it('an expiring link in front of a broken function answers the same clear problem', async () => {
    const id = await uploadOne()
    const link = await api.post(`/images/${id}/thumbnails/400/expiring-links`, { expiresIn: 300 }, owner.token)
    expect(link.status).to.equal(201)
    const path = new URL(link.json.url).pathname
    lambda().behaviour = { kind: 'function-error', message: 'boom' }
    expectProblem(await api.get(path), 502, 'thumbnail_failed')
    lambda().behaviour = { kind: 'normal' }
    // No upscaling: a 240-high original gives a 240-high "400" thumbnail.
    await expectThumbnail(await api.get(path), 240)
  })

  describe('S3 ObjectCreated: eager rendering end to end', () => {
    const invokeWithEvent = async (event: unknown) => {
      const out = await lambda().client().send(new InvokeCommand({
        FunctionName: lambda().functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(event)),
      }))
      expect(out.FunctionError, Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8')).to.equal(undefined)
      return JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8'))
    }

    it('an original PUT with thumbnail-heights metadata is rendered by the event, and the API then serves it without rendering', async () => {
      const id = await uploadOne()
      const bucket = server.imgtier.config.s3.bucket
      const s3 = server.s3
      if (s3 === undefined) throw new Error('the aws backend has S3')
      // What an uploader that opts into eager rendering writes: the same bytes, plus the heights.
      await s3.client.send(new PutObjectCommand({
        Bucket: bucket, Key: id, Body: jpeg, ContentType: 'image/jpeg', ContentLength: jpeg.length,
        Metadata: { 'thumbnail-heights': '200,400' },
      }))
      const outcome = await invokeWithEvent(objectCreatedEvent(bucket, id, jpeg.length))
      expect(outcome.skipped).to.deep.equal([])
      expect(outcome.rendered.map((r: { thumbnailKey: string; height: number }) => [r.thumbnailKey, r.height]))
        .to.deep.equal([[`${id}/200`, 200], [`${id}/400`, 240]])

      const renders = server.renders()
      await expectThumbnail(await api.get(`/images/${id}/thumbnails/200`, owner.token), 200)
      await expectThumbnail(await api.get(`/images/${id}/thumbnails/400`, owner.token), 240)
      expect(server.renders(), 'served from what the event rendered').to.equal(renders)
    })

    it("an original uploaded through the API carries its owner's tier heights: its event renders them ahead of the first request", async () => {
      const id = await uploadOne()
      const bucket = server.imgtier.config.s3.bucket
      const s3 = server.s3
      if (s3 === undefined) throw new Error('the aws backend has S3')
      const head = await s3.client.send(new HeadObjectCommand({ Bucket: bucket, Key: id }))
      expect(head.Metadata).to.deep.equal({ 'thumbnail-heights': '200,400' }) // Enterprise
      const outcome = await invokeWithEvent(objectCreatedEvent(bucket, id, jpeg.length))
      expect(outcome.skipped).to.deep.equal([])
      expect(outcome.rendered.map((r: { thumbnailKey: string }) => r.thumbnailKey)).to.deep.equal([`${id}/200`, `${id}/400`])
      const renders = server.renders()
      expect((await api.get(`/images/${id}/thumbnails/400`, owner.token)).status).to.equal(200)
      expect(server.renders(), 'served from what the event rendered').to.equal(renders)
    })

    it("the function's own thumbnail writes never trigger more rendering", async () => {
      const id = await uploadOne()
      const thumbnailBucket = server.imgtier.config.s3.thumbnailBucket ?? ''
      expect(thumbnailBucket).not.to.equal('')
      const outcome = await invokeWithEvent(objectCreatedEvent(thumbnailBucket, `${id}/200`, 1))
      expect(outcome.rendered).to.deep.equal([])
      expect(outcome.skipped).to.have.length(1)
      expect(outcome.skipped[0].reason).to.match(/not the originals bucket/)
    })
  })
})
