export { makeMetrics, type Metrics } from './instruments'
export { measuredBlobStorage } from './measured-blob-storage'
export { measuredRenderer } from './measured-renderer'
export { timed, outcomeOf, type Settled } from './timed'
