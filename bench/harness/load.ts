import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'

export interface LoadSpec {
  readonly url: string
  readonly method: 'GET' | 'POST'
  readonly headers: Record<string, string>
  readonly body?: string
  readonly connections: number
  readonly seconds: number
  readonly warmupSeconds: number
  readonly expectStatus: number
}

export interface LoadResult {
  readonly requestsPerSecond: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly requests: number
  /** Requests answered during the warm-up (not in the figures; they count when CPU per request is worked out). */
  readonly warmupRequests: number
  /** Errors, timeouts and answers with another status than expected. */
  readonly unexpected: number
}

/** One autocannon run (after its warm-up) in a separate process. */
export const load = async (spec: LoadSpec): Promise<LoadResult> => {
  const worker = path.join(__dirname, 'load-worker.ts')
  const { stdout } = await promisify(execFile)(process.execPath, ['-r', '@swc-node/register', worker, JSON.stringify(spec)], {
    cwd: path.join(__dirname, '..', '..'),
    maxBuffer: 1 << 20,
  })
  const line = stdout.trim().split('\n').pop() ?? ''
  return JSON.parse(line)
}
