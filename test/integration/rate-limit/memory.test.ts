import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import { memoryRateLimiter, unlimitedRateLimiter } from '../../../adapters/rate-limit'
import { rateLimiterContract } from '../../contract/rate-limiter.contract'

rateLimiterContract('memory', async () => ({
  make: async (rule) => memoryRateLimiter({ ...rule, keyPrefix: randomBytes(6).toString('hex') }),
  close: async () => undefined,
}))

describe('memoryRateLimiter', () => {
  it('refuses a rule that makes no sense', () => {
    expect(() => memoryRateLimiter({ points: 0, durationSeconds: 60 })).to.throw(/points/)
    expect(() => memoryRateLimiter({ points: 5, durationSeconds: 0.5 })).to.throw(/duration/)
  })

  it('the unlimited limiter (IMGTIER_RATE_LIMITS=off) never refuses', async () => {
    const limiter = unlimitedRateLimiter()
    for (let i = 0; i < 100; i++) expect((await limiter.consume('k', 1000)).allowed).to.equal(true)
  })
})
