import { createHash, createSecretKey, randomBytes } from 'node:crypto'
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

  it('derives one successor per token under its key: the same every time, unlike under another key', () => {
    const key = createSecretKey(randomBytes(32))
    const a = randomOpaqueTokens({ successorKey: key })
    const b = randomOpaqueTokens({ successorKey: key })
    const parent = a.generate().token
    const next = a.successor(parent)
    expect(next).to.deep.equal(b.successor(parent)) // another instance with the same key agrees
    expect(next.token).to.match(/^[A-Za-z0-9_-]{43}$/)
    expect(next.digest).to.equal(a.digest(next.token))
    expect(next.token).not.to.equal(parent)
    expect(a.successor(next.token).token).not.to.equal(next.token)
    expect(randomOpaqueTokens({ successorKey: createSecretKey(randomBytes(32)) }).successor(parent).token).not.to.equal(next.token)
  })
})
