import { expect } from 'chai'
import { FIRST_PAGE_CURSOR } from '../../../application/use-cases/list-images'
import type { PageRequest } from '../../../domain/page'
import { leftTagOf, rightOf } from '../../../testing'
import { aWorld } from './world'

/** The cursor of a keyset page link (an offset link here would be a bug). */
const cursorOf = (link: PageRequest | undefined): string => {
  if (link === undefined || !('cursor' in link)) throw new Error(`expected a keyset link, got ${JSON.stringify(link)}`)
  return link.cursor
}

describe('use-cases on in-memory ports: keyset cursors', () => {
  it('walks forwards and back with opaque cursors, stable while images come and go', async () => {
    const w = await aWorld()
    const { user } = await w.aUserOn('Basic')
    const ids: string[] = []
    for (let i = 0; i < 7; i++) {
      ids.unshift((await w.anUploadOf(user)).id) // newest first
      w.ports.clock.advance(1_000)
    }
    const list = (cursor: string) => rightOf(w.useCases.listImages({ ownerId: user.id, limit: 3, cursor }))
    const first = await list(FIRST_PAGE_CURSOR)
    expect(first.results.map((i) => i.id)).to.deep.equal(ids.slice(0, 3))
    expect(first.previous).to.equal(undefined)
    // A new upload between fetches does not shift the next page.
    await w.anUploadOf(user)
    const second = await list(cursorOf(first.next))
    expect(second.results.map((i) => i.id)).to.deep.equal(ids.slice(3, 6))
    const third = await list(cursorOf(second.next))
    expect(third.results.map((i) => i.id)).to.deep.equal(ids.slice(6))
    expect(third.next).to.equal(undefined)
    const back = await list(cursorOf(third.previous))
    expect(back.results.map((i) => i.id)).to.deep.equal(ids.slice(3, 6))
    expect(await leftTagOf(w.useCases.listImages({ ownerId: user.id, cursor: 'not-a-cursor' }))).to.equal('InvalidCursor')
  })
})
