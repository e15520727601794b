import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import * as E from 'fp-ts/Either'
import type { OriginalStorage, RenderResult, ThumbnailRenderer, ThumbnailStorage } from '../application/ports/blobs'
import { contentTypeOf, thumbnailKey } from '../domain/image'
import { sniffImageFormat } from '../domain/image-format'
import { Height } from '../domain/tier'
import { makeS3Client } from '../adapters/storage/s3-client'
import { s3Stores } from '../adapters/storage/s3-stores'
import { RenderPayload, type RenderResponse } from '../adapters/thumbnails/lambda-protocol'
import { renderThumbnail } from '../adapters/thumbnails/render'
import { sharpThumbnailRenderer } from '../adapters/thumbnails/sharp-thumbnail-renderer'
import { lambdaSettings } from './config'
import { describeErrors } from './problems'
import { S3Event, type S3EventRecord, THUMBNAIL_HEIGHTS_METADATA, decodeEventKey } from './s3-event'

export interface HandlerDeps {
  readonly originals: OriginalStorage
  readonly thumbnails: ThumbnailStorage
  readonly renderer: ThumbnailRenderer
  readonly originalsBucket: string
  readonly thumbnailLocation: { readonly bucket: string; readonly prefix: string }
  /** The object's user metadata (x-amz-meta-*), lower-cased keys without the prefix. */
  readonly userMetadata: (key: string) => Promise<Readonly<Record<string, string>>>
}

export interface EventOutcome {
  readonly rendered: readonly RenderResult[]
  readonly skipped: readonly { readonly key: string; readonly reason: string }[]
}

const fail = (what: string, cause: unknown): never => {
  throw new Error(`${what}: ${cause instanceof Error ? cause.message : JSON.stringify(cause)}`)
}

/** A direct invoke: expected failures answer as data; only infrastructure trouble throws. */
const renderOne = async (deps: HandlerDeps, payload: RenderPayload): Promise<RenderResponse> => {
  const result = await deps.renderer.render(payload)()
  if (E.isRight(result)) return result.right
  const e = result.left
  switch (e._tag) {
    case 'BlobNotFound':
      return { error: { _tag: 'BlobNotFound', key: e.key } }
    case 'RenderFailed':
      return { error: { _tag: 'RenderFailed', reason: e.reason } }
    case 'InfrastructureFailure':
      return fail(e.what, e.cause)
  }
}

const parseHeights = (raw: string | undefined): { heights: number[]; bad: string[] } => {
  const parts = (raw ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')
  const ok = (s: string) => /^\d{1,5}$/.test(s) && Height.is(Number(s))
  return { heights: [...new Set(parts.filter(ok).map(Number))], bad: parts.filter((s) => !ok(s)) }
}

/**
 * Eager rendering on upload: for an original whose metadata names heights, render each
 * once from a single read. A bad original is skipped, not retried (it will not get
 * better); an infrastructure failure throws so that Lambda retries the event.
 */
const onObjectCreated = async (deps: HandlerDeps, record: S3EventRecord): Promise<EventOutcome> => {
  const key = decodeEventKey(record.s3.object.key)
  const skip = (reason: string): EventOutcome => ({ rendered: [], skipped: [{ key, reason }] })
  if (!record.eventName.startsWith('ObjectCreated:')) return skip(`event ${record.eventName} ignored`)
  if (record.s3.bucket.name !== deps.originalsBucket) return skip(`bucket ${record.s3.bucket.name} is not the originals bucket`)
  const { bucket, prefix } = deps.thumbnailLocation
  // Our own writes must never trigger more rendering.
  if (bucket === deps.originalsBucket && prefix !== '' && key.startsWith(prefix)) return skip('a thumbnail, not an original')

  const { heights, bad } = parseHeights((await deps.userMetadata(key))[THUMBNAIL_HEIGHTS_METADATA])
  const problems = bad.length > 0 ? [{ key, reason: `ignored heights: ${bad.join(', ')}` }] : []
  if (heights.length === 0) return { rendered: [], skipped: [...problems, { key, reason: `no valid ${THUMBNAIL_HEIGHTS_METADATA} metadata` }] }

  const original = await deps.originals.get(key)()
  if (E.isLeft(original)) {
    if (original.left._tag === 'BlobNotFound') return skip('deleted before it could be rendered')
    return fail(original.left.what, original.left.cause)
  }
  const sniffed = sniffImageFormat(original.right.bytes)
  if (!sniffed.supported) return skip(`not a JPEG or PNG (${sniffed.detected})`)

  const rendered: RenderResult[] = []
  for (const height of heights) {
    let thumb
    try {
      thumb = await renderThumbnail(original.right.bytes, height, sniffed.format)
    } catch (e) {
      console.error(`imgtier thumbnailer: ${key} at ${height}: ${String(e)}`)
      return { rendered, skipped: [...problems, { key, reason: `unreadable original: ${e instanceof Error ? e.message : String(e)}` }] }
    }
    const tKey = thumbnailKey(key, height)
    const put = await deps.thumbnails.put(tKey, thumb.bytes, contentTypeOf(sniffed.format))()
    if (E.isLeft(put)) return fail(put.left.what, put.left.cause)
    rendered.push({ thumbnailKey: tKey, width: thumb.width, height: thumb.height, bytes: thumb.bytes.length })
  }
  return { rendered, skipped: problems }
}

/** The handler with its dependencies given: tests and the local Invoke server use this. */
export const makeHandler = (deps: HandlerDeps) => async (event: unknown): Promise<RenderResponse | EventOutcome> => {
  if (typeof event === 'object' && event !== null && 'Records' in event) {
    const records = S3Event.decode(event)
    if (E.isLeft(records)) throw new Error(`not an S3 event notification:\n${describeErrors(records.left).join('\n')}`)
    const outcomes: EventOutcome[] = []
    for (const record of records.right.Records) outcomes.push(await onObjectCreated(deps, record))
    return { rendered: outcomes.flatMap((o) => o.rendered), skipped: outcomes.flatMap((o) => o.skipped) }
  }
  const payload = RenderPayload.decode(event)
  if (E.isLeft(payload)) throw new Error(`invalid render request:\n${describeErrors(payload.left).join('\n')}`)
  return renderOne(deps, payload.right)
}

const userMetadataFrom = (client: S3Client, bucket: string) => async (key: string) =>
  (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).Metadata ?? {}

/** Everything built from an environment (DESIGN.md §4 names). */
export const handlerFromEnv = (env: Record<string, string | undefined>) => {
  const settings = lambdaSettings(env)
  const client = makeS3Client(settings.s3)
  const stores = s3Stores({ client, bucket: settings.bucket, ...(settings.thumbnailBucket ? { thumbnailBucket: settings.thumbnailBucket } : {}) })
  return makeHandler({
    ...stores,
    renderer: sharpThumbnailRenderer(stores),
    originalsBucket: settings.bucket,
    userMetadata: userMetadataFrom(client, settings.bucket),
  })
}

let coldStart: ReturnType<typeof handlerFromEnv> | undefined

/** The Lambda entry point: clients are built once per cold start, on the first event. */
export const handler = async (event: unknown) => (coldStart ??= handlerFromEnv(process.env))(event)
