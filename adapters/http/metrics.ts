// The request duration is observed by the edge (edge.ts); the instruments live in adapters/metrics.
export { makeMetrics, type Metrics } from '../metrics'
