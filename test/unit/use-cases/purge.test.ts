import { expect } from 'chai'
import * as TE from 'fp-ts/TaskEither'
import { rightOf } from '../../../testing'
import { aWorld } from './world'

describe('use-cases on in-memory ports: deletion and the purge sweep', () => {
  it('hides an image at once when its blobs cannot be removed, and the sweep finishes the job later', async () => {
    const w = await aWorld()
    const { user } = await w.aUserOn('Premium')
    const image = await w.anUploadOf(user)
    const thumbnails = w.ports.thumbnails
    const realDeletePrefix = thumbnails.deletePrefix
    let storageDown = true
    Object.assign(thumbnails, {
      deletePrefix: (prefix: string) => (storageDown ? TE.left({ _tag: 'InfrastructureFailure' as const, what: 'storage down', cause: undefined }) : realDeletePrefix(prefix)),
    })
    expect(await rightOf(w.useCases.deleteImage({ ownerId: user.id, imageId: image.id }))).to.deep.equal({ complete: false })
    expect(await w.useCases.getImage({ ownerId: user.id, imageId: image.id })()).to.have.nested.property('left._tag', 'ImageNotFound')
    expect(w.ports.originals.size()).to.equal(1)
    expect(await rightOf(w.useCases.purgeDeletedImages(10))).to.deep.equal({ purged: 0, failed: [image.id] })

    storageDown = false
    expect(await w.core.purgeDeletedImages()).to.deep.equal({ purged: 1, failed: [] })
    expect(w.ports.originals.size()).to.equal(0)
    expect(w.ports.store.images.size).to.equal(0)
  })
})
