import * as E from 'fp-ts/Either'
import type { ImageCursor, ImageRepository } from '../../application/ports/repositories'
import type { ImageNotFound } from '../../domain/errors'
import { copy, task, type MemoryStore } from './store'
import { forgetClaims } from './user-repository'

const notFound: ImageNotFound = { _tag: 'ImageNotFound' }

/** Newest first: createdAt desc, id desc (the SQL index's order). */
const newestFirst = (a: ImageCursor, b: ImageCursor) =>
  b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)

export const memoryImageRepository = (s: MemoryStore): ImageRepository => {
  const live = (id: string) => {
    const row = s.images.get(id)
    return row && row.deletingSince === undefined ? row.image : undefined
  }
  const liveOf = (ownerId: string) =>
    [...s.images.values()].filter((r) => r.image.ownerId === ownerId && r.deletingSince === undefined).map((r) => r.image).sort(newestFirst)
  return {
    insert: (image) => task(() => {
      // The owner's foreign key: a row of nobody is a failure, as in SQL.
      if (!s.users.has(image.ownerId) || s.images.has(image.id)) {
        return E.left({ _tag: 'InfrastructureFailure', what: 'insert image', cause: new Error('unknown owner or duplicate id') })
      }
      s.images.set(image.id, { image: copy(image) })
      return E.right(copy(image))
    }),
    findOwned: (ownerId, id) => task(() => {
      const image = live(id)
      return image && image.ownerId === ownerId ? E.right(copy(image)) : E.left(notFound)
    }),
    get: (id) => task(() => {
      const image = live(id)
      return image ? E.right(copy(image)) : E.left(notFound)
    }),
    listByOwner: (ownerId, w) => task(() => {
      const all = liveOf(ownerId)
      return E.right({ count: all.length, results: all.slice(w.offset, w.offset + w.limit).map(copy) })
    }),
    listByOwnerKeyset: (ownerId, w) => task(() => {
      const all = liveOf(ownerId)
      const after = w.after
      const before = w.before
      let candidates = all
      if (after) candidates = candidates.filter((i) => newestFirst(after, i) < 0)
      if (before) candidates = candidates.filter((i) => newestFirst(i, before) < 0)
      // A `before` page is the `limit` images just newer than the cursor; hasMore then means newer ones remain.
      const page = before ? candidates.slice(Math.max(0, candidates.length - w.limit)) : candidates.slice(0, w.limit)
      return E.right({ count: all.length, results: page.map(copy), hasMore: candidates.length > w.limit })
    }),
    existingIds: (ids) => task(() => E.right(new Set(ids.filter((id) => s.images.has(id))))),
    listIdsByOwner: (ownerId) => task(() =>
      E.right([...s.images.values()].map((r) => r.image).filter((i) => i.ownerId === ownerId).sort(newestFirst).map((i) => i.id))),
    markDeleting: (id, at) => task(() => {
      const row = s.images.get(id)
      if (!row || row.deletingSince !== undefined) return E.right(false)
      s.images.set(id, { ...row, deletingSince: new Date(at) })
      return E.right(true)
    }),
    markOwnerDeleting: (ownerId, at) => task(() => {
      let marked = 0
      for (const [id, row] of s.images) {
        if (row.image.ownerId !== ownerId || row.deletingSince !== undefined) continue
        s.images.set(id, { ...row, deletingSince: new Date(at) })
        marked++
      }
      return E.right(marked)
    }),
    listDeleting: (limit) => task(() =>
      E.right([...s.images.values()]
        .filter((r) => r.deletingSince !== undefined)
        .sort((a, b) => (a.deletingSince?.getTime() ?? 0) - (b.deletingSince?.getTime() ?? 0))
        .slice(0, limit)
        .map((r) => r.image.id))),
    delete: (id) => task(() => {
      const removed = s.images.delete(id)
      if (removed) forgetClaims(s, id)
      return E.right(removed)
    }),
  }
}
