import { expect } from 'chai'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import type { BlobStorage } from '../../../application/ports/blobs'
import { reconcileBlobs } from '../../../application/use-cases/reconcile-blobs'
import { objectionImageRepository, objectionTierRepository, objectionUserRepository, type Database } from '../../../adapters/persistence'
import { cryptoIdGenerator, fixedClock } from '../../../adapters/runtime'
import { fsBlobStorage } from '../../../adapters/storage/fs-blob-storage'
import { s3BlobStorage } from '../../../adapters/storage/s3-blob-storage'
import { freshDatabase } from '../../support/database'
import { freshS3 } from '../../support/s3'

interface Stores { readonly originals: BlobStorage; readonly thumbnails: BlobStorage; readonly dir?: string; close(): Promise<void> }

const fsStores = async (): Promise<Stores> => {
  const dir = mkdtempSync(path.join(tmpdir(), 'imgtier-reconcile-'))
  return { dir, originals: fsBlobStorage(path.join(dir, 'o')), thumbnails: fsBlobStorage(path.join(dir, 't')), close: async () => rmSync(dir, { recursive: true, force: true }) }
}

/** Every file under dir, relative to it. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort()
const s3Stores = async (): Promise<Stores> => {
  const s3 = await freshS3()
  return { originals: s3BlobStorage({ client: s3.client, bucket: await s3.makeBucket() }), thumbnails: s3BlobStorage({ client: s3.client, bucket: await s3.makeBucket() }), close: () => s3.close() }
}

const ok = async <L, A>(task: TE.TaskEither<L, A>): Promise<A> => {
  const r = await task()
  if (E.isLeft(r)) throw new Error(JSON.stringify(r.left))
  return r.right
}

for (const [name, makeStores] of [['filesystem', fsStores], ['s3', s3Stores]] as const) {
  describe(`reconciling blobs with rows (${name})`, function () {
    this.timeout(60_000)
    let db: Database
    let stores: Stores
    before(async () => {
      db = await freshDatabase()
      stores = await makeStores()
    })
    after(async () => {
      await stores?.close()
      await db?.close()
    })

    it('removes blobs no row accounts for once they are old, sparing young ones and rows being deleted', async () => {
      const images = objectionImageRepository(db.knex)
      const ids = cryptoIdGenerator()
      const tiers = await ok(objectionTierRepository(db.knex).list({ limit: 10, offset: 0 }))
      const owner = ids.uuid()
      await ok(objectionUserRepository(db.knex).create({ id: owner, username: `r${owner.slice(0, 8)}`, passwordHash: 'x', tierId: tiers.results[0]?.id ?? '', role: 'user', active: true, sessionVersion: 1, createdAt: new Date() }))
      const withRow = (id: string) => ok(images.insert({ id, ownerId: owner, name: 'kept', format: 'jpeg', width: 1, height: 1, bytes: 1, sha256: 'a'.repeat(64), createdAt: new Date() }))
      const blobs = async (id: string, thumb = true, original = true) => {
        if (original) await ok(stores.originals.put(id, Buffer.from('original'), 'image/jpeg'))
        if (thumb) await ok(stores.thumbnails.put(`${id}/200`, Buffer.from('thumb'), 'image/jpeg'))
      }
      const [kept, orphan, thumbOnly, beingDeleted] = [ids.uuid(), ids.uuid(), ids.uuid(), ids.uuid()]
      await withRow(kept)
      await blobs(kept)
      await blobs(orphan)
      await blobs(thumbOnly, true, false)
      await withRow(beingDeleted)
      await blobs(beingDeleted)
      await ok(images.markDeleting(beingDeleted, new Date()))

      const deps = (clock: ReturnType<typeof fixedClock>) => ({ ...stores, images, clock })
      // Right now the orphan's original is seconds old: an upload could be between blob and row.
      const now = await ok(reconcileBlobs(deps(fixedClock(new Date())))())
      expect(now.checked).to.equal(4)
      expect(now.spared).to.deep.equal([orphan])
      expect(now.removed).to.deep.equal([thumbOnly])

      const later = await ok(reconcileBlobs(deps(fixedClock(new Date(Date.now() + 2 * 3600_000))))())
      expect(later.removed).to.deep.equal([orphan])
      const keys = [...await ok(stores.originals.list('')), ...await ok(stores.thumbnails.list(''))].sort()
      expect(keys).to.deep.equal([beingDeleted, `${beingDeleted}/200`, kept, `${kept}/200`].sort())
    })

    // Filesystem only: S3 puts are atomic, so there is nothing partial to leave.
    if (name === 'filesystem') it('removes partial files a crash left mid-write once they are old, in both stores, sparing young ones', async () => {
      const own = await fsStores()
      after(() => own.close())
      const dir = own.dir ?? ''
      const id = cryptoIdGenerator().uuid()
      await ok(own.originals.put(id, Buffer.from('whole'), 'image/jpeg'))
      const partial = (rel: string, ageMs: number) => {
        const file = path.join(dir, rel)
        mkdirSync(path.dirname(file), { recursive: true })
        writeFileSync(file, Buffer.alloc(4096, 1))
        const at = new Date(Date.now() - ageMs)
        utimesSync(file, at, at)
      }
      const stray = cryptoIdGenerator().uuid()
      partial(`o/${stray}@.0123456789ab.tmp`, 3 * 3600_000)
      partial(`t/${stray}/200@.abcdef012345.tmp`, 3 * 3600_000)
      partial(`o/${id}@.00000000000f.tmp`, 60_000) // an upload in flight, for all we know
      const images = objectionImageRepository(db.knex)
      const report = await ok(reconcileBlobs({ ...own, images, clock: fixedClock(new Date()) })())
      expect(report.temporaries).to.equal(2)
      expect(filesUnder(dir)).to.deep.equal([`o/${id}@`, `o/${id}@.00000000000f.tmp`])
      const later = await ok(reconcileBlobs({ ...own, images, clock: fixedClock(new Date()) })(0))
      expect(later.temporaries).to.equal(1)
      expect(later.removed).to.deep.equal([id]) // no row: the blob goes too
      expect(filesUnder(dir)).to.deep.equal([])
    })
  })
}
