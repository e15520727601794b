import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { makeMetrics, measuredBlobStorage } from '../../../adapters/metrics'
import { fsBlobStorage } from '../../../adapters/storage/fs-blob-storage'
import { blobStorageContract } from '../../contract/blob-storage.contract'

// The metrics decorator is a BlobStorage like any other: it passes the same contract (its
// optional methods, removeTemporaries included, are the wrapped store's).
blobStorageContract('filesystem, measured', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'imgtier-blobs-'))
  return { storage: measuredBlobStorage(fsBlobStorage(root), 'thumbnails', makeMetrics()), presigns: false, atomicPuts: true, close: async () => rmSync(root, { recursive: true, force: true }) }
})
