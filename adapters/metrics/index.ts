export { makeMetrics, type Metrics } from './instruments'
export { measuredBlobStorage } from './measured-blob-storage'
export { measuredRenderer } from './measured-renderer'
