import { randomBytes } from 'node:crypto'
import { expect } from 'chai'
import type { RateLimiter, RateLimitRule } from '../../adapters/rate-limit'

export interface RateLimiterHarness {
  /** A limiter with a budget of its own: no other call's keys are visible to it. */
  make(rule: RateLimitRule): Promise<RateLimiter>
  close(): Promise<void>
}

const harnessOf = (h: RateLimiterHarness | undefined): RateLimiterHarness => {
  if (!h) throw new Error('the harness did not start')
  return h
}

const key = (label: string): string => `${label}:${randomBytes(6).toString('hex')}`
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Called from the suite's `before` hook; it may `this.skip()` when its store is absent. */
export type MakeRateLimiterHarness = (this: Mocha.Context) => Promise<RateLimiterHarness>

export const rateLimiterContract = (name: string, harness: MakeRateLimiterHarness): Mocha.Suite =>
  describe(`RateLimiter contract: ${name}`, () => {
    let h: RateLimiterHarness | undefined
    before(async function () {
      h = await harness.call(this)
    })
    after(() => h?.close())

    it('allows exactly `points` requests per window, counting down, then refuses', async () => {
      const limiter = await harnessOf(h).make({ points: 3, durationSeconds: 60 })
      const k = key('a')
      const decisions = []
      for (let i = 0; i < 5; i++) decisions.push(await limiter.consume(k))
      expect(decisions.map((d) => d.allowed)).to.deep.equal([true, true, true, false, false])
      expect(decisions.map((d) => d.remaining)).to.deep.equal([2, 1, 0, 0, 0])
      for (const d of decisions) {
        expect(d.limit).to.equal(3)
        expect(d.resetSeconds).to.be.within(1, 60)
        expect(Number.isInteger(d.resetSeconds)).to.equal(true)
      }
    })

    it('keeps each key on its own budget', async () => {
      const limiter = await harnessOf(h).make({ points: 1, durationSeconds: 60 })
      const [a, b] = [key('a'), key('b')]
      expect((await limiter.consume(a)).allowed).to.equal(true)
      expect((await limiter.consume(a)).allowed).to.equal(false)
      expect((await limiter.consume(b)).allowed).to.equal(true)
    })

    it('forgets what a key spent on reset, and only that key', async () => {
      const limiter = await harnessOf(h).make({ points: 2, durationSeconds: 60 })
      const [key, other] = [`reset-${Math.random()}`, `other-${Math.random()}`]
      await limiter.consume(key)
      await limiter.consume(key)
      await limiter.consume(other)
      expect((await limiter.consume(key)).allowed).to.equal(false)
      await limiter.reset(key)
      expect(await limiter.consume(key)).to.include({ allowed: true, remaining: 1 })
      expect(await limiter.consume(other)).to.include({ allowed: true, remaining: 0 })
      await limiter.reset(`never-used-${Math.random()}`) // resetting an unknown key is harmless
    })

    it('takes back a point given back, and only on that key', async () => {
      const limiter = await harnessOf(h).make({ points: 2, durationSeconds: 60 })
      const [key, other] = [`reward-${Math.random()}`, `other-${Math.random()}`]
      await limiter.consume(key)
      await limiter.consume(key)
      await limiter.consume(other)
      await limiter.reward(key)
      expect(await limiter.consume(key)).to.include({ allowed: true, remaining: 0 })
      expect((await limiter.consume(key)).allowed).to.equal(false)
      expect(await limiter.consume(other)).to.include({ allowed: true, remaining: 0 })
    })

    it('spends several points at once, and refuses a spend larger than what is left', async () => {
      const limiter = await harnessOf(h).make({ points: 10, durationSeconds: 60 })
      const k = key('n')
      expect(await limiter.consume(k, 7)).to.include({ allowed: true, remaining: 3 })
      expect(await limiter.consume(k, 4)).to.include({ allowed: false, remaining: 0 })
    })

    it('agrees under concurrency: of 25 simultaneous requests on 10 points, exactly 10 pass', async () => {
      const limiter = await harnessOf(h).make({ points: 10, durationSeconds: 60 })
      const k = key('c')
      const decisions = await Promise.all(Array.from({ length: 25 }, () => limiter.consume(k)))
      expect(decisions.filter((d) => d.allowed)).to.have.length(10)
    })

    it('bounds long, client-chosen keys without merging distinct ones', async () => {
      const limiter = await harnessOf(h).make({ points: 1, durationSeconds: 60 })
      const long = 'u'.repeat(5000)
      expect((await limiter.consume(`${long}1`)).allowed).to.equal(true)
      expect((await limiter.consume(`${long}2`)).allowed).to.equal(true)
      expect((await limiter.consume(`${long}1`)).allowed).to.equal(false)
    })

    it('refills once the window is over', async () => {
      const limiter = await harnessOf(h).make({ points: 1, durationSeconds: 1 })
      const k = key('r')
      await limiter.consume(k)
      const refused = await limiter.consume(k)
      expect(refused).to.include({ allowed: false, resetSeconds: 1 })
      await sleep(1100)
      expect((await limiter.consume(k)).allowed).to.equal(true)
    })
  })
