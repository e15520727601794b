// The runtime adapters live beside auth's tests: they are tiny and share an owner.
import { expect } from 'chai'
import { cryptoHasher, cryptoIdGenerator, fixedClock, systemClock } from '../../../adapters/runtime'
import { isUuid } from '../../../domain/ids'

describe('runtime adapters', () => {
  it('fixedClock stands still until moved, and hands out copies', () => {
    const clock = fixedClock(new Date('2024-01-01T00:00:00Z'))
    const first = clock.now()
    first.setFullYear(1999)
    expect(clock.now().toISOString()).to.equal('2024-01-01T00:00:00.000Z')
    clock.advance(1500)
    expect(clock.now().toISOString()).to.equal('2024-01-01T00:00:01.500Z')
    clock.set(new Date('2030-05-05T05:05:05Z'))
    expect(clock.now().toISOString()).to.equal('2030-05-05T05:05:05.000Z')
  })

  it('systemClock follows the wall clock', () => {
    expect(Math.abs(systemClock().now().getTime() - Date.now())).to.be.below(1000)
  })

  it('cryptoIdGenerator yields distinct canonical uuids', () => {
    const ids = cryptoIdGenerator()
    const a = ids.uuid()
    const b = ids.uuid()
    expect(isUuid(a) && isUuid(b)).to.equal(true)
    expect(a).to.not.equal(b)
  })

  it('cryptoHasher is sha256 hex', () => {
    expect(cryptoHasher().sha256(Buffer.from('abc'))).to.equal(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
  })
})
