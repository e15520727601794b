/**
 * The Lambda Invoke HTTP API (POST /2015-03-31/functions/:name/invocations) served
 * locally by an in-process handler, so tests drive the real @aws-sdk/client-lambda.
 * It can play a function that throws and one that is slow.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http'
import { LambdaClient } from '@aws-sdk/client-lambda'

export type Behaviour =
  | { readonly kind: 'normal' }
  | { readonly kind: 'function-error'; readonly message: string }
  | { readonly kind: 'slow'; readonly delayMs: number }

export interface LambdaInvokeServer {
  readonly endpoint: string
  readonly functionName: string
  /** How the next invocations behave; tests flip it and put it back. */
  behaviour: Behaviour
  readonly invocations: number
  /** A client for this server: fixed credentials, and no retries to blur what a test sees. */
  client(): LambdaClient
  close(): Promise<void>
}

const PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)))
  return Buffer.concat(chunks)
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

/** As Lambda reports an uncaught exception: 200, X-Amz-Function-Error, the error as payload. */
const functionError = (res: ServerResponse, e: unknown) =>
  json(res, 200, { errorType: e instanceof Error ? e.name : 'Error', errorMessage: e instanceof Error ? e.message : String(e), trace: [] }, {
    'x-amz-function-error': 'Unhandled',
  })

export const startLambdaInvokeServer = async (
  handler: (event: unknown) => Promise<unknown>,
  functionName = 'imgtier-thumbnailer',
): Promise<LambdaInvokeServer> => {
  let invocations = 0
  const state: { behaviour: Behaviour } = { behaviour: { kind: 'normal' } }
  const pending = new Set<NodeJS.Timeout>()

  const server = createServer(async (req, res) => {
    const match = PATH.exec(req.url?.split('?')[0] ?? '')
    if (req.method !== 'POST' || match === null) return json(res, 404, { message: 'not the Invoke API' }, { 'x-amzn-errortype': 'UnknownOperationException' })
    if (decodeURIComponent(match[1]!) !== functionName) {
      return json(res, 404, { Type: 'User', message: `Function not found: ${match[1]}` }, { 'x-amzn-errortype': 'ResourceNotFoundException' })
    }
    invocations++
    const raw = await readBody(req)
    let event: unknown
    try {
      event = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'))
    } catch {
      return json(res, 400, { Type: 'User', message: 'Could not parse request body into json' }, { 'x-amzn-errortype': 'InvalidRequestContentException' })
    }
    const b = state.behaviour
    if (b.kind === 'function-error') return functionError(res, new Error(b.message))
    if (b.kind === 'slow') {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => (pending.delete(t), resolve()), b.delayMs)
        pending.add(t)
      })
      if (res.destroyed) return
    }
    try {
      json(res, 200, (await handler(event)) ?? null, { 'x-amz-executed-version': '$LATEST' })
    } catch (e) {
      functionError(res, e)
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('the invoke server is not on TCP')
  const { port } = address
  const endpoint = `http://127.0.0.1:${port}`
  const clients: LambdaClient[] = []

  return {
    endpoint,
    functionName,
    get behaviour() {
      return state.behaviour
    },
    set behaviour(b: Behaviour) {
      state.behaviour = b
    },
    get invocations() {
      return invocations
    },
    client: () => {
      const c = new LambdaClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 })
      clients.push(c)
      return c
    },
    close: async () => {
      for (const t of pending) clearTimeout(t)
      for (const c of clients) c.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
