import { memoryBlobStorage, memoryRepositories, recordingThumbnailRenderer } from '../../../testing'
import { blobStorageContract } from '../../contract/blob-storage.contract'
import { imageRepositoryContract } from '../../contract/image-repository.contract'
import { refreshTokenRepositoryContract } from '../../contract/refresh-token-repository.contract'
import { renderClaimsContract } from '../../contract/render-claims.contract'
import type { RepositoryHarness } from '../../contract/repository-harness.contract'
import { thumbnailRendererContract } from '../../contract/thumbnail-renderer.contract'
import { tierRepositoryContract } from '../../contract/tier-repository.contract'
import { userRepositoryContract } from '../../contract/user-repository.contract'

// The in-memory adapters of imgtier/testing pass the very suites the real adapters pass:
// a use-case test on them means what it would mean on Postgres, S3 and sharp.

const repositories = async (): Promise<RepositoryHarness> => {
  const r = memoryRepositories()
  return { tiers: r.tiers, users: r.users, images: r.images, tokens: r.refreshTokens, claims: r.claims, close: async () => undefined }
}

for (const contract of [tierRepositoryContract, userRepositoryContract, imageRepositoryContract, refreshTokenRepositoryContract, renderClaimsContract]) {
  contract('in memory', repositories)
}

blobStorageContract('in memory', async () => ({ storage: memoryBlobStorage(), presigns: false, atomicPuts: true, close: async () => undefined }))

thumbnailRendererContract('in memory (recording, placeholder bytes)', async () => {
  const originals = memoryBlobStorage()
  const thumbnails = memoryBlobStorage()
  return { renderer: recordingThumbnailRenderer({ originals, thumbnails }), originals, thumbnails, close: async () => undefined }
})
