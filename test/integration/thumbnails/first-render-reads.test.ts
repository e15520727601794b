import { expect } from 'chai'
import * as E from 'fp-ts/Either'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pino from 'pino'
import sharp from 'sharp'
import { scryptPasswordHasher } from '../../../adapters/auth'
import type { Database } from '../../../adapters/persistence'
import { loadConfig } from '../../../bootstrap/config'
import { createCore, type Core } from '../../../bootstrap/core'
import { rightOf } from '../../../testing'
import { countingBlobs } from '../../support/counting-blobs'
import { freshDatabase } from '../../support/database'
import { makeJpeg } from '../../support/images'

/** What a first request for a thumbnail costs the stores, through the wired core (in-process sharp). */
describe('first render: the stores it touches', () => {
  let database: Database
  let dataDir: string
  let core: Core
  const originals = countingBlobs()
  const thumbnails = countingBlobs()

  before(async () => {
    database = await freshDatabase()
    dataDir = mkdtempSync(path.join(tmpdir(), 'imgtier-first-render-'))
    const config = loadConfig({ IMGTIER_DATA_DIR: dataDir, LOG_LEVEL: 'silent' })
    if (E.isLeft(config)) throw new Error(config.left.join('; '))
    core = await createCore(config.right, {
      overrides: { database, storage: { originals: originals.s, thumbnails: thumbnails.s }, passwords: scryptPasswordHasher({ cost: { N: 1024 } }), logger: pino({ level: 'silent' }) },
    })
  })
  after(async () => {
    await core?.close()
    await database?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('answers from the buffer it rendered and stored: the thumbnail is never read back', async () => {
    const user = await rightOf(core.useCases.createUser({ username: 'first-render', password: 'a long enough password' }))
    const tier = await rightOf(core.deps.tiers.get(user.tierId))
    const height = tier.thumbnailHeights[0] ?? 0
    const image = await rightOf(core.useCases.uploadImage({ ownerId: user.id, bytes: await makeJpeg({ width: 300, height: 600 }), fileName: 'tall.jpg' }))
    const [originalReads, thumbnailReads] = [originals.reads.n, thumbnails.reads.n]

    const got = await rightOf(core.useCases.getThumbnail({ ownerId: user.id, tier, imageId: image.id, height: String(height) }))
    if (got._tag !== 'Bytes') throw new Error(`expected bytes, got ${got._tag}`)
    const chunks: Uint8Array[] = []
    for await (const chunk of got.body) chunks.push(chunk)
    const served = Buffer.concat(chunks)

    // Exactly what was stored, a real thumbnail of the asked height.
    expect(served.equals(thumbnails.blobs.get(`${image.id}/${height}`) ?? Buffer.alloc(0))).to.equal(true)
    expect(await sharp(served).metadata()).to.include({ format: 'jpeg', height: Math.min(height, 600) })
    expect(got.length).to.equal(served.length)
    // One read of the original; the thumbnail store was only asked once, before the render (a miss).
    expect(originals.reads.n - originalReads).to.equal(1)
    expect(thumbnails.reads.n - thumbnailReads).to.equal(1)
  })
})
