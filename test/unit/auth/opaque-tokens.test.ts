import { createHash } from 'node:crypto'
import { expect } from 'chai'
import { randomOpaqueTokens } from '../../../adapters/auth/opaque-tokens'

describe('randomOpaqueTokens', () => {
  const tokens = randomOpaqueTokens()

  it('makes 32 random bytes, base64url, and stores only their sha256', () => {
    const { token, digest } = tokens.generate()
    expect(token).to.match(/^[A-Za-z0-9_-]{43}$/)
    expect(Buffer.from(token, 'base64url')).to.have.length(32)
    expect(digest).to.equal(createHash('sha256').update(token).digest('base64url'))
    expect(tokens.digest(token)).to.equal(digest)
  })

  it('never repeats a token', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => tokens.generate().token))
    expect(seen.size).to.equal(1000)
  })

  it('gives different tokens different digests', () => {
    expect(tokens.digest('a')).to.not.equal(tokens.digest('b'))
  })
})
