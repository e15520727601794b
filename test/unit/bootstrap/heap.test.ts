import { expect } from 'chai'
import { tuneHeapForServing } from '../../../bootstrap/heap'

describe('bootstrap: the server tunes V8\'s heap growth', () => {
  const setting = (execArgv: readonly string[]): string[] => {
    const set: string[] = []
    tuneHeapForServing(execArgv, (flags) => set.push(flags))
    return set
  }

  it('lets the old generation grow to twice its live size before a full collection', () => {
    expect(setting([])).to.deep.equal(['--heap-growing-percent=100'])
    expect(setting(['--enable-source-maps', '--heap-growing-percent-x'])).to.deep.equal(['--heap-growing-percent=100'])
  })

  it('leaves a factor given on the node command line as it is', () => {
    expect(setting(['--heap-growing-percent=30'])).to.deep.equal([])
    expect(setting(['--heap-growing-percent', '30'])).to.deep.equal([])
  })
})
