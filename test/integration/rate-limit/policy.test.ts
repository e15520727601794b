import { expect } from 'chai'
import {
  DEFAULT_RATE_LIMIT_POLICY, memoryRateLimiter, rateLimitersFor, rateLimitHeaders, rateLimitKey,
} from '../../../adapters/rate-limit'

describe('rate-limit policy', () => {
  it('headers say the limit, what is left and when it refills; Retry-After only on refusal', () => {
    expect(rateLimitHeaders({ allowed: true, limit: 10, remaining: 9, resetSeconds: 60 })).to.deep.equal({
      'RateLimit-Limit': '10', 'RateLimit-Remaining': '9', 'RateLimit-Reset': '60',
    })
    expect(rateLimitHeaders({ allowed: false, limit: 10, remaining: 0, resetSeconds: 0.2 })).to.deep.equal({
      'RateLimit-Limit': '10', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '1', 'Retry-After': '1',
    })
  })

  it('keys login by username (any case) and IP, the rest by user, else IP', () => {
    expect(rateLimitKey('login', { ip: '10.0.0.1', username: 'Alice' })).to.equal(rateLimitKey('login', { ip: '10.0.0.1', username: 'alice' }))
    expect(rateLimitKey('login', { ip: '10.0.0.1', username: 'alice' })).to.not.equal(rateLimitKey('login', { ip: '10.0.0.2', username: 'alice' }))
    expect(rateLimitKey('read', { ip: '10.0.0.1', userId: 'u1' })).to.equal(rateLimitKey('read', { ip: '10.0.0.9', userId: 'u1' }))
    expect(rateLimitKey('read', { ip: '10.0.0.1' })).to.not.equal(rateLimitKey('upload', { ip: '10.0.0.1' }))
  })

  it('defaults leave room for people and stop floods', () => {
    expect(DEFAULT_RATE_LIMIT_POLICY).to.deep.equal({
      login: { points: 10, durationSeconds: 60 },
      loginIp: { points: 100, durationSeconds: 3600 },
      upload: { points: 300, durationSeconds: 60 },
      link: { points: 600, durationSeconds: 60 },
      read: { points: 3000, durationSeconds: 60 },
    })
  })

  it('builds one limiter per route class from the chosen store', async () => {
    const limiters = await rateLimitersFor(DEFAULT_RATE_LIMIT_POLICY, (routeClass, rule) => memoryRateLimiter({ ...rule, keyPrefix: routeClass }))
    expect((await limiters.login.consume('k')).limit).to.equal(10)
    expect((await limiters.read.consume('k')).limit).to.equal(3000)
  })
})
