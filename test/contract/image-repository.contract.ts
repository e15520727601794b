import { randomUUID } from 'node:crypto'
import { expect } from 'chai'
import * as E from 'fp-ts/Either'
import type { ImageCursor } from '../../application/ports/repositories'
import type { Image } from '../../domain/image'
import { anImage, aUserOnBasic, left, right, type MakeRepositoryHarness, type RepositoryHarness } from './repository-harness.contract'

const newestFirst = (a: Image, b: Image) =>
  b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

const cursorOf = (i: Image): ImageCursor => ({ createdAt: i.createdAt, id: i.id })

export const imageRepositoryContract = (name: string, makeHarness: MakeRepositoryHarness) =>
  describe(`ImageRepository contract: ${name}`, () => {
    let h: RepositoryHarness
    before(async function () {
      h = await makeHarness.call(this)
    })
    after(async () => h?.close())

    /** An owner with `n` images; every third shares its createdAt with a neighbour (ties). */
    const ownerWith = async (n: number) => {
      const owner = await aUserOnBasic(h)
      const base = Date.parse('2025-03-01T00:00:00.000Z')
      const images = Array.from({ length: n }, (_, i) => anImage(owner.id, { createdAt: new Date(base + Math.floor(i / 3) * 1000 + (i % 3 === 2 ? 1 : 0)) }))
      for (const image of images) await right(h.images.insert(image))
      return { owner, images: [...images].sort(newestFirst) }
    }

    /** What the lists say against what is really there (the rows a full listing returns). */
    const countsOf = async (ownerId: string) => {
      const page = await right(h.images.listByOwner(ownerId, { limit: 100, offset: 0 }))
      const keyset = await right(h.images.listByOwnerKeyset(ownerId, { limit: 1 }))
      const pastTheEnd = await right(h.images.listByOwner(ownerId, { limit: 10, offset: 1000 }))
      return { offset: page.count, keyset: keyset.count, pastTheEnd: pastTheEnd.count, live: page.results.length }
    }
    const exactly = (n: number) => ({ offset: n, keyset: n, pastTheEnd: n, live: n })

    it('keeps the count exact through upload, mark and purge: it drops at the mark, once', async () => {
      const { owner, images } = await ownerWith(5)
      expect(await countsOf(owner.id)).to.deep.equal(exactly(5))
      await right(h.images.markDeleting(images[0]!.id, new Date()))
      expect(await countsOf(owner.id)).to.deep.equal(exactly(4))
      await right(h.images.markDeleting(images[0]!.id, new Date())) // a second mark is a no-op
      await right(h.images.delete(images[0]!.id)) // the purge of a marked row
      expect(await countsOf(owner.id)).to.deep.equal(exactly(4))
      await right(h.images.delete(images[1]!.id)) // a row deleted without a mark
      await right(h.images.delete(images[1]!.id))
      expect(await countsOf(owner.id)).to.deep.equal(exactly(3))
      expect(await left(h.images.insert(images[2]!))).to.have.property('_tag', 'InfrastructureFailure') // a refused insert counts nothing
      expect(await countsOf(owner.id)).to.deep.equal(exactly(3))
      await right(h.images.markOwnerDeleting(owner.id, new Date()))
      expect(await countsOf(owner.id)).to.deep.equal(exactly(0))
      const fresh = await aUserOnBasic(h)
      expect(await countsOf(fresh.id)).to.deep.equal(exactly(0))
    })

    it('keeps the count equal to the live rows under concurrent uploads, marks and deletes', async () => {
      const { owner, images } = await ownerWith(30)
      const bystander = await ownerWith(3)
      const uploads = Array.from({ length: 30 }, () => anImage(owner.id))
      const [inserted] = await Promise.all([
        // Ten of the uploads are sent twice at once: one of each pair must fail and count nothing.
        Promise.all([...uploads, ...uploads.slice(0, 10)].map((i) => h.images.insert(i)())),
        ...images.slice(0, 10).map((i) => right(h.images.markDeleting(i.id, new Date())).then(() => right(h.images.delete(i.id)))),
        ...images.slice(10, 20).map((i) => right(h.images.markDeleting(i.id, new Date()))),
        ...images.slice(20, 25).map((i) => right(h.images.delete(i.id))),
      ])
      expect(inserted.filter(E.isRight)).to.have.length(30)
      expect(await countsOf(owner.id)).to.deep.equal(exactly(30 - 25 + 30))
      expect(await countsOf(bystander.owner.id)).to.deep.equal(exactly(3))
    })

    it('round-trips every field, bytes beyond 32 bits included', async () => {
      const owner = await aUserOnBasic(h)
      const image = anImage(owner.id, { format: 'png', bytes: 5_000_000_123, createdAt: new Date('2025-01-01T00:00:00.001Z') })
      await right(h.images.insert(image))
      expect(await right(h.images.get(image.id))).to.deep.equal(image)
      expect(await right(h.images.findOwned(owner.id, image.id))).to.deep.equal(image)
    })

    it("answers another owner's image exactly like a missing one", async () => {
      const owner = await aUserOnBasic(h)
      const stranger = await aUserOnBasic(h)
      const image = await right(h.images.insert(anImage(owner.id)))
      const missing = await left(h.images.findOwned(owner.id, randomUUID()))
      expect(await left(h.images.findOwned(stranger.id, image.id))).to.deep.equal(missing).and.deep.equal({ _tag: 'ImageNotFound' })
      expect(await left(h.images.get('not-a-uuid'))).to.deep.equal({ _tag: 'ImageNotFound' })
    })

    it('refuses an image of an unknown owner as a failure, never a row', async () => {
      expect(await left(h.images.insert(anImage(randomUUID())))).to.have.property('_tag', 'InfrastructureFailure')
    })

    it('lists newest first with ties broken by id, with a numeric count', async () => {
      const { owner, images } = await ownerWith(7)
      await ownerWith(2) // someone else's images never show up
      const all = await right(h.images.listByOwner(owner.id, { limit: 100, offset: 0 }))
      expect(all.count).to.equal(7).and.to.be.a('number')
      expect(all.results.map((i) => i.id)).to.deep.equal(images.map((i) => i.id))
      const window = await right(h.images.listByOwner(owner.id, { limit: 3, offset: 2 }))
      expect(window.results.map((i) => i.id)).to.deep.equal(images.slice(2, 5).map((i) => i.id))
      expect(await right(h.images.listIdsByOwner(owner.id))).to.deep.equal(images.map((i) => i.id))
    })

    it('walks keyset pages forwards and backwards without duplicates or gaps', async () => {
      const { owner, images } = await ownerWith(10)
      const seen: Image[] = []
      let page = await right(h.images.listByOwnerKeyset(owner.id, { limit: 4 }))
      expect(page.count).to.equal(10)
      seen.push(...page.results)
      while (page.hasMore) {
        page = await right(h.images.listByOwnerKeyset(owner.id, { limit: 4, after: cursorOf(seen[seen.length - 1]!) }))
        seen.push(...page.results)
      }
      expect(seen.map((i) => i.id)).to.deep.equal(images.map((i) => i.id))

      const back = await right(h.images.listByOwnerKeyset(owner.id, { limit: 3, before: cursorOf(images[5]!) }))
      expect(back.results.map((i) => i.id)).to.deep.equal(images.slice(2, 5).map((i) => i.id))
      expect(back.hasMore).to.equal(true)
      const first = await right(h.images.listByOwnerKeyset(owner.id, { limit: 3, before: cursorOf(images[2]!) }))
      expect(first.results.map((i) => i.id)).to.deep.equal(images.slice(0, 2).map((i) => i.id))
      expect(first.hasMore).to.equal(false)
    })

    it('keeps keyset pages exact while images come and go between fetches', async () => {
      const { owner, images } = await ownerWith(12)
      const deletedUnseen = new Set<string>()
      const seen: Image[] = []
      let page = await right(h.images.listByOwnerKeyset(owner.id, { limit: 3 }))
      seen.push(...page.results)
      while (page.hasMore) {
        const last = seen[seen.length - 1]!
        const unseen = images.filter((i) => newestFirst(i, last) > 0 && !deletedUnseen.has(i.id))
        // Between fetches, concurrently: a new upload (newer than anything), an old
        // image of the next page deleted, an already seen one deleted.
        await Promise.all([
          right(h.images.insert(anImage(owner.id, { createdAt: new Date() }))),
          unseen[1] ? right(h.images.delete(unseen[1].id)).then(() => deletedUnseen.add(unseen[1]!.id)) : Promise.resolve(),
          right(h.images.delete(seen[0]!.id)),
        ])
        page = await right(h.images.listByOwnerKeyset(owner.id, { limit: 3, after: cursorOf(last) }))
        seen.push(...page.results)
      }
      const expected = images.filter((i) => !deletedUnseen.has(i.id)).map((i) => i.id)
      expect(deletedUnseen.size).to.be.greaterThan(0)
      expect(seen.map((i) => i.id)).to.deep.equal(expected)
      expect(new Set(seen.map((i) => i.id)).size).to.equal(seen.length)
    })

    it('deletes idempotently', async () => {
      const owner = await aUserOnBasic(h)
      const image = await right(h.images.insert(anImage(owner.id)))
      expect(await right(h.images.delete(image.id))).to.equal(true)
      expect(await right(h.images.delete(image.id))).to.equal(false)
      expect(await right(h.images.delete('not-a-uuid'))).to.equal(false)
      expect(await left(h.images.get(image.id))).to.deep.equal({ _tag: 'ImageNotFound' })
    })

    it('says which ids have a row, marked for deletion or not, ignoring non-uuids', async () => {
      const { images } = await ownerWith(2)
      const [a, b] = [images[0]!, images[1]!]
      await right(h.images.markDeleting(b.id, new Date()))
      const found = await right(h.images.existingIds([a.id, b.id, randomUUID(), 'thumbnails', '']))
      expect([...found].sort()).to.deep.equal([a.id, b.id].sort())
      expect((await right(h.images.existingIds([]))).size).to.equal(0)
    })

    it('hides an image from every read once it is marked deleting, and hands it to the sweep', async () => {
      const { owner, images } = await ownerWith(3)
      const [marked, kept] = [images[0]!, images[1]!]
      expect(await right(h.images.markDeleting(marked.id, new Date()))).to.equal(true)
      expect(await right(h.images.markDeleting(marked.id, new Date()))).to.equal(false)
      expect(await left(h.images.get(marked.id))).to.deep.equal({ _tag: 'ImageNotFound' })
      expect(await left(h.images.findOwned(owner.id, marked.id))).to.deep.equal({ _tag: 'ImageNotFound' })
      const listed = await right(h.images.listByOwner(owner.id, { limit: 10, offset: 0 }))
      expect(listed.count).to.equal(2)
      expect(listed.results.map((i) => i.id)).not.to.include(marked.id)
      const keyset = await right(h.images.listByOwnerKeyset(owner.id, { limit: 10 }))
      expect(keyset.results.map((i) => i.id)).to.deep.equal(images.slice(1).map((i) => i.id))
      expect(await right(h.images.listDeleting(1000))).to.include(marked.id).and.not.include(kept.id)
      expect(await right(h.images.listIdsByOwner(owner.id))).to.include(marked.id) // a user's deletion still finds it
      expect(await right(h.images.delete(marked.id))).to.equal(true)
      expect(await right(h.images.listDeleting(1000))).not.to.include(marked.id)
    })

    it("marks all of an owner's images at once, and nobody else's", async () => {
      const { owner, images } = await ownerWith(4)
      const other = await ownerWith(1)
      expect(await right(h.images.markOwnerDeleting(owner.id, new Date()))).to.equal(4)
      expect((await right(h.images.listByOwner(owner.id, { limit: 10, offset: 0 }))).count).to.equal(0)
      expect((await right(h.images.listByOwner(other.owner.id, { limit: 10, offset: 0 }))).count).to.equal(1)
      expect(await right(h.images.listDeleting(1000))).to.include.members(images.map((i) => i.id))
    })
  })
