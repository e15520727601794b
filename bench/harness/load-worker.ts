/**
 * The load generator, in its own process so that the client never shares an event loop
 * with the server it measures. Started by harness/load.ts with a JSON `LoadSpec` in
 * argv[2]; prints one JSON `LoadResult` line.
 */
import autocannon from 'autocannon'
import type { LoadResult, LoadSpec } from './load'

const spec: LoadSpec = JSON.parse(process.argv[2] ?? '{}')

const run = (seconds: number) =>
  autocannon({
    url: spec.url,
    method: spec.method,
    headers: spec.headers,
    body: spec.body,
    connections: spec.connections,
    duration: seconds,
  })

const main = async () => {
  const warmup = spec.warmupSeconds > 0 ? await run(spec.warmupSeconds) : undefined
  const r = await run(spec.seconds)
  const result: LoadResult = {
    requestsPerSecond: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
    warmupRequests: warmup?.requests.total ?? 0,
    // What a run must not contain to count: failures and answers other than the expected status.
    unexpected: r.errors + r.timeouts + (spec.expectStatus === 304 ? r['2xx'] + r['4xx'] + r['5xx'] : r.non2xx),
  }
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
