import { expect } from 'chai'
import { offsetPage } from '../../../domain/page'

describe('domain: offset pages', () => {
  const found = (count: number) => ({ count, results: [] })

  it('names the neighbours that exist, and only those', () => {
    expect(offsetPage(found(5), 2, 0)).to.deep.include({ next: { limit: 2, offset: 2 }, previous: undefined })
    expect(offsetPage(found(5), 2, 2)).to.deep.include({ next: { limit: 2, offset: 4 }, previous: { limit: 2, offset: 0 } })
    expect(offsetPage(found(5), 2, 4)).to.deep.include({ next: undefined, previous: { limit: 2, offset: 2 } })
    expect(offsetPage(found(0), 20, 0)).to.deep.include({ next: undefined, previous: undefined })
  })

  it('steps back to the start, never below it, from an offset off the grid or past the end', () => {
    expect(offsetPage(found(5), 20, 3).previous).to.deep.equal({ limit: 20, offset: 0 })
    expect(offsetPage(found(5), 2, 50)).to.deep.include({ next: undefined, previous: { limit: 2, offset: 48 } })
  })
})
