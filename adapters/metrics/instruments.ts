import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client'

const SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
const BYTES = [1024, 16 * 1024, 128 * 1024, 512 * 1024, 1024 ** 2, 4 * 1024 ** 2, 16 * 1024 ** 2, 64 * 1024 ** 2]

export interface LookupCounts { readonly hits: number; readonly misses: number }

/**
 * Every instrument imgtier exports, in one registry per instance (so several instances
 * in one process, as in tests, never share counters). Labels are small closed sets:
 * route patterns, store names, outcomes; never ids or paths.
 */
export const makeMetrics = () => {
  const registry = new Registry()
  // Caches that keep their own hit/miss counts (the in-memory thumbnail cache): read at each scrape.
  const memoryCaches: { readonly stats: () => LookupCounts; seen: LookupCounts }[] = []
  collectDefaultMetrics({ register: registry, prefix: 'imgtier_' })
  const registers = [registry]
  return {
    registry,
    httpDuration: new Histogram({
      name: 'imgtier_http_request_duration_seconds', help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'], buckets: SECONDS, registers,
    }),
    renders: new Counter({
      name: 'imgtier_thumbnail_renders_total', help: 'Thumbnail renders (cache misses that reached a renderer), by renderer and outcome',
      labelNames: ['renderer', 'outcome'], registers,
    }),
    renderDuration: new Histogram({
      name: 'imgtier_thumbnail_render_duration_seconds', help: 'Thumbnail render duration by renderer and outcome',
      labelNames: ['renderer', 'outcome'], buckets: SECONDS, registers,
    }),
    cacheLookups: new Counter({
      name: 'imgtier_thumbnail_cache_lookups_total', help: 'Thumbnail cache lookups by cache (memory, storage) and result (hit, miss)',
      labelNames: ['cache', 'result'], registers,
      collect() {
        // Counted by the cache itself; added here as what moved since the last scrape.
        for (const cache of memoryCaches) {
          const now = cache.stats()
          if (now.hits > cache.seen.hits) this.inc({ cache: 'memory', result: 'hit' }, now.hits - cache.seen.hits)
          if (now.misses > cache.seen.misses) this.inc({ cache: 'memory', result: 'miss' }, now.misses - cache.seen.misses)
          cache.seen = { hits: now.hits, misses: now.misses }
        }
      },
    }),
    storageDuration: new Histogram({
      name: 'imgtier_storage_operation_duration_seconds', help: 'Blob storage operation latency by store, operation and outcome',
      labelNames: ['store', 'operation', 'outcome'], buckets: SECONDS, registers,
    }),
    lambdaDuration: new Histogram({
      name: 'imgtier_lambda_invoke_duration_seconds', help: 'Lambda thumbnailer invocation latency by outcome',
      labelNames: ['outcome'], buckets: SECONDS, registers,
    }),
    lambdaErrors: new Counter({
      name: 'imgtier_lambda_invoke_errors_total', help: 'Lambda thumbnailer invocations that failed, by reason (timeout, error)',
      labelNames: ['reason'], registers,
    }),
    linkOpens: new Counter({
      name: 'imgtier_link_opens_total', help: 'Expiring links opened, by outcome (ok, expired, revoked, invalid, not_found, …)',
      labelNames: ['outcome'], registers,
    }),
    uploads: new Counter({
      name: 'imgtier_uploads_total', help: 'Uploads judged, by outcome (ok or the problem code)',
      labelNames: ['outcome'], registers,
    }),
    /** Reports a memory cache's own hit and miss counts as `cache="memory"` lookups. */
    watchMemoryCache: (stats: () => LookupCounts): void => { memoryCaches.push({ stats, seen: { hits: 0, misses: 0 } }) },
    uploadBytes: new Histogram({
      name: 'imgtier_upload_bytes', help: 'Size of uploaded files, by outcome',
      labelNames: ['outcome'], buckets: BYTES, registers,
    }),
  }
}

export type Metrics = ReturnType<typeof makeMetrics>
