import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda'
import * as E from 'fp-ts/Either'
import type { RenderRequest, RenderResult, ThumbnailRenderer } from '../../application/ports/blobs'
import type { BlobNotFound, RenderFailed } from '../../domain/errors'
import { FunctionErrorPayload, type RenderPayload, RenderResponse } from './lambda-protocol'

const failed = (reason: string, timedOut = false): RenderFailed => ({ _tag: 'RenderFailed', reason, timedOut })

const parseJson = (bytes: Uint8Array | undefined): unknown => {
  try {
    return JSON.parse(Buffer.from(bytes ?? new Uint8Array()).toString('utf8'))
  } catch {
    return undefined // judged by the codec that reads it next
  }
}

const judge = (out: { FunctionError?: string; Payload?: Uint8Array }): E.Either<RenderFailed | BlobNotFound, RenderResult> => {
  const body = parseJson(out.Payload)
  if (out.FunctionError !== undefined) {
    const message = FunctionErrorPayload.is(body) ? body.errorMessage ?? body.errorType : undefined
    // Lambda's own limit ends the function with an error, not with our abort.
    return E.left(failed(`thumbnailer function error (${out.FunctionError}): ${message ?? 'no message'}`, /Task timed out/.test(message ?? '')))
  }
  const response = RenderResponse.decode(body)
  if (E.isLeft(response)) return E.left(failed('thumbnailer answered with an unexpected payload'))
  const r = response.right
  if ('error' in r) return E.left(r.error._tag === 'BlobNotFound' ? r.error : failed(r.error.reason))
  return E.right(r)
}

/** The wire's fields only (lambda-protocol.ts): what the caller knows beyond them stays here. */
const payloadOf = (req: RenderRequest): RenderPayload =>
  ({ originalKey: req.originalKey, height: req.height, format: req.format, thumbnailKey: req.thumbnailKey })

/**
 * Renders by invoking the Lambda thumbnailer (lambda/handler.ts) synchronously. Never
 * waits longer than timeoutMs: the request is aborted and reported as timed out, so an
 * HTTP request behind it answers 503 instead of hanging.
 */
export const lambdaThumbnailRenderer = (deps: { client: LambdaClient; functionName: string; timeoutMs: number }): ThumbnailRenderer => ({
  render: (req: RenderRequest) => async () => {
    const abort = new AbortController()
    const timer = setTimeout(() => abort.abort(), deps.timeoutMs)
    try {
      const out = await deps.client.send(
        new InvokeCommand({ FunctionName: deps.functionName, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(payloadOf(req))) }),
        { abortSignal: abort.signal },
      )
      return judge(out)
    } catch (e) {
      if (abort.signal.aborted) return E.left(failed(`thumbnailer gave no answer within ${deps.timeoutMs} ms`, true))
      return E.left(failed(`thumbnailer could not be invoked: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`))
    } finally {
      clearTimeout(timer)
    }
  },
})

