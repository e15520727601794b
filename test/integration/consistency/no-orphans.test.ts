import { expect } from 'chai'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import type { RenderSingleFlight } from '../../../application/render-once'
import { makeSingleFlight } from '../../../application/single-flight'
import type { BlobStorage } from '../../../application/ports/blobs'
import type { ImageRepository } from '../../../application/ports/repositories'
import { deleteImage } from '../../../application/use-cases/delete-image'
import { purgeDeletedImages } from '../../../application/use-cases/purge-deleted-images'
import { getThumbnail } from '../../../application/use-cases/get-thumbnail'
import { deleteUser } from '../../../application/use-cases/delete-user'
import { uploadImage } from '../../../application/use-cases/upload-image'
import type { InfrastructureFailure } from '../../../domain/errors'
import type { Tier } from '../../../domain/tier'
import { objectionImageRepository, objectionRenderClaims, objectionTierRepository, objectionUserRepository, type Database } from '../../../adapters/persistence'
import { cryptoHasher, cryptoIdGenerator, systemClock } from '../../../adapters/runtime'
import { fsBlobStorage } from '../../../adapters/storage/fs-blob-storage'
import { sharpImageInspector } from '../../../adapters/thumbnails/sharp-image-inspector'
import { sharpThumbnailRenderer } from '../../../adapters/thumbnails/sharp-thumbnail-renderer'
import { freshDatabase } from '../../support/database'
import { makeJpeg } from '../../support/images'

/**
 * Issue 3: "every failure path leaves no orphan rows or blobs". Real database, real
 * blob stores; one step at a time is made to fail, and afterwards every blob must
 * belong to an image row and every visible row must have its original.
 */
type Step = 'originals.put' | 'originals.stage' | 'originals.commit' | 'originals.delete' | 'thumbnails.deletePrefix' | 'images.insert' | 'images.delete'

const renderOnce = (): RenderSingleFlight => makeSingleFlight()

const failure = (what: string): InfrastructureFailure => ({ _tag: 'InfrastructureFailure', what: `injected: ${what}`, cause: new Error(what) })

describe('no orphans: faults injected at every step of upload and delete', function () {
  this.timeout(60_000)
  let db: Database
  let dir: string
  const faults = new Set<Step>()
  const fails = <A>(step: Step, real: () => TE.TaskEither<InfrastructureFailure, A>): TE.TaskEither<InfrastructureFailure, A> =>
    faults.has(step) ? TE.left(failure(step)) : real()

  let originals: BlobStorage
  let thumbnails: BlobStorage
  let images: ImageRepository
  let tier: Tier
  let jpeg: Buffer

  before(async () => {
    db = await freshDatabase()
    dir = mkdtempSync(path.join(tmpdir(), 'imgtier-orphans-'))
    const realOriginals = fsBlobStorage(path.join(dir, 'originals'))
    const realThumbnails = fsBlobStorage(path.join(dir, 'thumbnails'))
    const realImages = objectionImageRepository(db.knex)
    const realStage = realOriginals.stage
    if (!realStage) throw new Error('the filesystem store stages')
    originals = {
      ...realOriginals,
      put: (k, b, t) => fails('originals.put', () => realOriginals.put(k, b, t)),
      stage: (k, b, t) => fails('originals.stage', () => pipe(realStage(k, b, t), TE.map((staged) => ({ ...staged, commit: () => fails('originals.commit', staged.commit) })))),
      delete: (k) => fails('originals.delete', () => realOriginals.delete(k)),
    }
    thumbnails = { ...realThumbnails, deletePrefix: (p) => fails('thumbnails.deletePrefix', () => realThumbnails.deletePrefix(p)) }
    images = { ...realImages, insert: (i) => fails('images.insert', () => realImages.insert(i)), delete: (id) => fails('images.delete', () => realImages.delete(id)) }
    const found = await objectionTierRepository(db.knex).list({ limit: 10, offset: 0 })()
    if (E.isLeft(found)) throw new Error('tiers')
    const enterprise = found.right.results.find((t) => t.name === 'Enterprise')
    if (!enterprise) throw new Error('no Enterprise tier')
    tier = enterprise
    jpeg = await makeJpeg({ width: 300, height: 200 })
  })
  afterEach(() => faults.clear())
  after(async () => {
    await db.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const deps = () => ({
    images, originals, thumbnails, users: objectionUserRepository(db.knex),
    inspector: sharpImageInspector(), hasher: cryptoHasher(), ids: cryptoIdGenerator(), clock: systemClock(),
    limits: { maxBytes: 1 << 20, maxPixels: 10_000_000 },
    renderer: sharpThumbnailRenderer({ originals, thumbnails }), renderOnce: renderOnce(), delivery: 'proxy' as const,
    claims: objectionRenderClaims(db.knex),
  })

  const newOwner = async (): Promise<string> => {
    const id = cryptoIdGenerator().uuid()
    const created = await objectionUserRepository(db.knex).create({
      id, username: `o${id.slice(0, 8)}`, passwordHash: 'scrypt$x', tierId: tier.id, role: 'user', active: true, sessionVersion: 1, createdAt: new Date(),
    })()
    expect(E.isRight(created)).to.equal(true)
    return id
  }

  const ok = async <L, A>(task: TE.TaskEither<L, A>): Promise<A> => {
    const r = await task()
    if (E.isLeft(r)) throw new Error(`expected success, got ${JSON.stringify(r.left)}`)
    return r.right
  }

  /** Uploads one image and renders two thumbnails, so a deletion has three blobs to remove. */
  const imageWithThumbnails = async (ownerId: string): Promise<string> => {
    const image = await ok(uploadImage(deps())({ ownerId, bytes: jpeg, fileName: 'a.jpg' }))
    for (const height of ['200', '400']) {
      const delivery = await ok(getThumbnail(deps())({ ownerId, tier, imageId: image.id, height }))
      // A streamed body holds a file handle until it is read or destroyed, as the HTTP layer does.
      if (delivery._tag === 'Bytes') for await (const chunk of delivery.body) expect(chunk.length).to.be.greaterThan(0)
    }
    return image.id
  }

  /** Rows and blobs agree: no blob without a row, no visible row without its original. */
  const expectAgreement = async () => {
    const rows: { id: string; deleting_since: Date | null }[] = await db.knex('images').select('id', 'deleting_since')
    const ids = new Set(rows.map((r) => r.id))
    const keys = [...await ok(originals.list('')), ...await ok(thumbnails.list(''))]
    const orphanBlobs = keys.filter((k) => !ids.has(k.split('/')[0] ?? ''))
    expect(orphanBlobs, 'blobs without a row').to.deep.equal([])
    const originalKeys = new Set(await ok(originals.list('')))
    const orphanRows = rows.filter((r) => r.deleting_since === null && !originalKeys.has(r.id)).map((r) => r.id)
    expect(orphanRows, 'visible rows without their original').to.deep.equal([])
    return { rows: rows.length, blobs: keys.length }
  }

  const blobsOf = async (imageId: string) =>
    [...await ok(originals.list('')), ...await ok(thumbnails.list(''))].filter((k) => k.split('/')[0] === imageId)

  /** Every file under the blob roots, partial files included. */
  const files = () => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length

  for (const step of ['originals.stage', 'originals.commit'] as const) {
    it(`upload: when ${step} fails, neither row nor blob nor partial file is left`, async () => {
      const owner = await newOwner()
      const before = await expectAgreement()
      const filesBefore = files()
      faults.add(step)
      const r = await uploadImage(deps())({ ownerId: owner, bytes: jpeg, fileName: 'a.jpg' })()
      expect(E.isLeft(r) && r.left._tag).to.equal('InfrastructureFailure')
      expect(await expectAgreement()).to.deep.equal(before)
      expect(files()).to.equal(filesBefore)
    })
  }

  it('upload: bytes refused while they were being staged leave no row, no blob, no partial file', async () => {
    const owner = await newOwner()
    const before = await expectAgreement()
    const filesBefore = files()
    const truncated = jpeg.subarray(0, Math.floor(jpeg.length * 0.6))
    const r = await uploadImage(deps())({ ownerId: owner, bytes: truncated, fileName: 'cut.jpg' })()
    expect(E.isLeft(r) && r.left._tag).to.equal('ImageUnreadable')
    expect(await expectAgreement()).to.deep.equal(before)
    expect(files()).to.equal(filesBefore)
  })

  it('upload: a refusal is answered as such even when staging failed too (the client\'s 4xx, not a 500)', async () => {
    const owner = await newOwner()
    faults.add('originals.stage')
    const r = await uploadImage(deps())({ ownerId: owner, bytes: jpeg.subarray(0, 200), fileName: 'cut.jpg' })()
    expect(E.isLeft(r) && r.left._tag).to.equal('ImageUnreadable')
  })

  it('upload: when the row cannot be written, the stored blob is removed again', async () => {
    const owner = await newOwner()
    const before = await expectAgreement()
    faults.add('images.insert')
    const r = await uploadImage(deps())({ ownerId: owner, bytes: jpeg, fileName: 'a.jpg' })()
    expect(E.isLeft(r) && r.left._tag).to.equal('InfrastructureFailure')
    expect(await expectAgreement()).to.deep.equal(before)
  })

  for (const step of ['thumbnails.deletePrefix', 'originals.delete', 'images.delete'] as const) {
    it(`delete: when ${step} fails, the image is gone for its owner at once, and the sweep finishes it`, async () => {
      const owner = await newOwner()
      const imageId = await imageWithThumbnails(owner)
      expect(await blobsOf(imageId)).to.have.length(3)
      faults.add(step)
      const deletion = await ok(deleteImage(deps())({ ownerId: owner, imageId }))
      expect(deletion.complete).to.equal(false)
      const gone = await images.findOwned(owner, imageId)()
      expect(E.isLeft(gone) && gone.left._tag).to.equal('ImageNotFound')
      await expectAgreement()

      const stuck = await ok(purgeDeletedImages(deps())())
      expect(stuck.failed).to.include(imageId) // still failing: the mark stays, nothing is lost
      faults.clear()
      const report = await ok(purgeDeletedImages(deps())())
      expect(report.failed).to.deep.equal([])
      expect(report.purged).to.be.at.least(1)
      expect(await blobsOf(imageId)).to.deep.equal([])
      expect(await db.knex('images').where('id', imageId).count({ n: '*' })).to.satisfy((r: { n: unknown }[]) => Number(r[0]?.n) === 0)
      await expectAgreement()
    })
  }

  it('delete: without faults it completes at once and is idempotent for the sweep', async () => {
    const owner = await newOwner()
    const imageId = await imageWithThumbnails(owner)
    expect((await ok(deleteImage(deps())({ ownerId: owner, imageId }))).complete).to.equal(true)
    expect(await blobsOf(imageId)).to.deep.equal([])
    expect((await ok(purgeDeletedImages(deps())())).purged).to.equal(0)
    await expectAgreement()
  })

  it('deleting a user: a blob failure keeps the user (to delete again) and leaves no orphan', async () => {
    const owner = await newOwner()
    const ids = [await imageWithThumbnails(owner), await imageWithThumbnails(owner)]
    faults.add('originals.delete')
    const r = await deleteUser(deps())('00000000-0000-4000-8000-000000000000', owner)()
    expect(E.isLeft(r)).to.equal(true)
    expect(await db.knex('users').where('id', owner).count({ n: '*' })).to.satisfy((rows: { n: unknown }[]) => Number(rows[0]?.n) === 1)
    for (const id of ids) expect(E.isLeft(await images.findOwned(owner, id)())).to.equal(true)
    await expectAgreement()
    faults.clear()
    await ok(deleteUser(deps())('00000000-0000-4000-8000-000000000000', owner))
    for (const id of ids) expect(await blobsOf(id)).to.deep.equal([])
    await expectAgreement()
  })
})
