/**
 * Start-up waits for its backends for a bounded time (`IMGTIER_STARTUP_TIMEOUT_MS`): in a
 * compose file or a cluster the database and S3 often come up after the API. Only
 * failures that can pass by themselves are retried (a refused or timed-out connection, a
 * server still starting); a wrong password or a missing bucket is reported at once. Either
 * way the message names the backend, so an operator knows where to look.
 */
export interface Backend {
  /** What an operator reads: `database (postgres at db:5432/imgtier)`, `S3 bucket "x" at http://…`. */
  readonly name: string
  readonly connect: () => Promise<void>
}

export interface RetryOptions {
  readonly timeoutMs: number
  readonly onRetry?: (backend: string, attempt: number, reason: string) => void
  readonly sleep?: (ms: number) => Promise<void>
  readonly now?: () => number
}

/** Names the backend in its message; the driver's own error stays its `cause`. */
export class BackendUnavailable extends Error {}

export const waitForBackend = async (backend: Backend, opts: RetryOptions): Promise<void> => {
  const now = opts.now ?? Date.now
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const started = now()
  for (let attempt = 1; ; attempt++) {
    try {
      await backend.connect()
      return
    } catch (err) {
      const reason = reasonOf(err)
      const elapsed = now() - started
      if (!isTransient(err)) throw new BackendUnavailable(`${backend.name}: ${reason}`, { cause: err })
      if (elapsed >= opts.timeoutMs) {
        const seconds = Math.round(elapsed / 100) / 10
        throw new BackendUnavailable(`${backend.name} unreachable (${attempt} attempt${attempt === 1 ? '' : 's'} in ${seconds} s, IMGTIER_STARTUP_TIMEOUT_MS=${opts.timeoutMs}): ${reason}`, { cause: err })
      }
      opts.onRetry?.(backend.name, attempt, reason)
      await sleep(Math.min(RETRY_CAP_MS, RETRY_FIRST_MS * 2 ** (attempt - 1), Math.max(0, opts.timeoutMs - elapsed)))
    }
  }
}

const RETRY_FIRST_MS = 250
const RETRY_CAP_MS = 2_000

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE',
  // Postgres: starting up / shutting down, too many connections.
  '57P03', '57P01', '53300',
])
const TRANSIENT_NAMES = new Set(['TimeoutError', 'KnexTimeoutError', 'RequestTimeout', 'ServiceUnavailable', 'SlowDown'])

/** Walks `cause` chains and AggregateErrors: drivers wrap the socket error they met. */
const isTransient = (err: unknown, depth = 0): boolean => {
  if (depth > 5 || err === null || typeof err !== 'object') return false
  const e = err as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; errors?: unknown; $metadata?: { httpStatusCode?: number } }
  if (typeof e.code === 'string' && TRANSIENT_CODES.has(e.code)) return true
  if (typeof e.name === 'string' && TRANSIENT_NAMES.has(e.name)) return true
  if (typeof e.$metadata?.httpStatusCode === 'number' && e.$metadata.httpStatusCode >= 500) return true
  if (typeof e.message === 'string' && /timeout|terminated unexpectedly|Connection terminated/i.test(e.message)) return true
  if (Array.isArray(e.errors) && e.errors.some((x) => isTransient(x, depth + 1))) return true
  return isTransient(e.cause, depth + 1)
}

const reasonOf = (err: unknown): string => {
  if (err instanceof AggregateError && err.errors.length > 0) return reasonOf(err.errors[0])
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code
    const message = err.message !== '' ? err.message : err.name
    return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message
  }
  return String(err)
}

/** A Postgres URL without its password: it is printed. */
export const describePostgres = (url: string): string => {
  try {
    const u = new URL(url)
    return `postgres at ${u.hostname}:${u.port || '5432'}${u.pathname}`
  } catch {
    return 'postgres (DATABASE_URL does not parse as a URL)'
  }
}
