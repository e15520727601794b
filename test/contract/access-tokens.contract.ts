import { expect } from 'chai'
import * as E from 'fp-ts/Either'
import type { AccessClaims, AccessTokens } from '../../application/ports/security'
import type { FixedClock } from '../../adapters/runtime/clock'

export interface AccessTokensHarness {
  readonly tokens: AccessTokens
  readonly clock: FixedClock
  readonly ttlSeconds: number
  /** The same adapter under another secret: its tokens must never verify here. */
  readonly stranger: AccessTokens
}

const claims: AccessClaims = { userId: '3b241101-e2bb-4255-8caf-4136c566a962', role: 'admin', sessionVersion: 7, sessionId: '7c9e6679-7425-40de-944b-e07fc1f90ae7' }

const expectUnauthorized = (result: E.Either<{ _tag: string }, unknown>): void => {
  expect(E.isLeft(result), 'expected the token to be refused').to.equal(true)
  if (E.isLeft(result)) expect(result.left._tag).to.equal('Unauthorized')
}

export const accessTokensContract = (name: string, make: () => AccessTokensHarness): Mocha.Suite =>
  describe(`AccessTokens contract: ${name}`, () => {
    it('round-trips the claims and reports its lifetime', () => {
      const h = make()
      const issued = h.tokens.issue(claims)
      expect(issued.expiresIn).to.equal(h.ttlSeconds)
      expect(h.tokens.verify(issued.token)).to.deep.equal(E.right(claims))
    })

    it('keeps every role and session version apart', () => {
      const h = make()
      for (const role of ['user', 'admin', 'auditor'] as const) {
        const c: AccessClaims = { ...claims, role, sessionVersion: 0 }
        expect(h.tokens.verify(h.tokens.issue(c).token)).to.deep.equal(E.right(c))
      }
    })

    it('accepts a token until its lifetime is over, judged by the injected clock', () => {
      const h = make()
      const { token } = h.tokens.issue(claims)
      h.clock.advance((h.ttlSeconds - 1) * 1000)
      expect(E.isRight(h.tokens.verify(token))).to.equal(true)
      h.clock.advance(1000)
      expectUnauthorized(h.tokens.verify(token))
    })

    it('refuses tokens issued under another secret', () => {
      const h = make()
      expectUnauthorized(h.tokens.verify(h.stranger.issue(claims).token))
    })

    it('refuses a token with any one character changed', () => {
      const h = make()
      const { token } = h.tokens.issue(claims)
      // Every position would be slow for a JWT; a spread of them covers header, payload and signature.
      const positions = [0, 5, Math.floor(token.length / 3), Math.floor(token.length / 2), token.length - 10, token.length - 2]
      for (const i of positions) {
        const replacement = token[i] === 'A' ? 'B' : 'A'
        expectUnauthorized(h.tokens.verify(token.slice(0, i) + replacement + token.slice(i + 1)))
      }
    })

    it('refuses garbage without throwing', () => {
      const h = make()
      for (const garbage of ['', 'x', 'a.b.c', '...', 'Bearer x', '\u0000', 'é'.repeat(500)]) {
        expectUnauthorized(h.tokens.verify(garbage))
      }
    })
  })
