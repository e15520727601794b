import { generateKeyPairSync } from 'node:crypto'
import { expect } from 'chai'
import * as E from 'fp-ts/Either'
import jwt from 'jsonwebtoken'
import { jwtAccessTokens } from '../../../adapters/auth/jwt-access-tokens'
import { fixedClock } from '../../../adapters/runtime/clock'
import { accessTokensContract } from '../../contract/access-tokens.contract'

const SECRET = 'test-secret-of-a-decent-length-0123456789'
const START = new Date('2024-03-01T12:00:00Z')
const nowSeconds = Math.floor(START.getTime() / 1000)

accessTokensContract('jsonwebtoken HS256', () => {
  const clock = fixedClock(START)
  return {
    clock,
    ttlSeconds: 900,
    tokens: jwtAccessTokens({ secret: SECRET, clock }),
    stranger: jwtAccessTokens({ secret: `${SECRET}-other`, clock }),
  }
})

describe('jwtAccessTokens', () => {
  const clock = fixedClock(START)
  const tokens = jwtAccessTokens({ secret: SECRET, clock })
  const good = { sub: '3b241101-e2bb-4255-8caf-4136c566a962', role: 'user', sv: 1, sid: '7c9e6679-7425-40de-944b-e07fc1f90ae7', iat: nowSeconds, exp: nowSeconds + 60, iss: 'imgtier' }
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')

  const reasonOf = (token: string): string => {
    const r = tokens.verify(token)
    if (E.isRight(r)) throw new Error('expected the token to be refused')
    expect(r.left._tag).to.equal('Unauthorized')
    return r.left.reason
  }

  it('accepts a hand-made HS256 token with the right claims (the control case)', () => {
    expect(E.isRight(tokens.verify(jwt.sign(good, SECRET, { algorithm: 'HS256' })))).to.equal(true)
  })

  it('refuses alg "none"', () => {
    reasonOf(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(good)}.`)
  })

  it('refuses RS256 (an attacker-made key pair)', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    expect(reasonOf(jwt.sign(good, privateKey, { algorithm: 'RS256' }))).to.match(/algorithm/)
  })

  it('refuses HS384 and HS512 under the right secret', () => {
    for (const algorithm of ['HS384', 'HS512'] as const) {
      expect(reasonOf(jwt.sign(good, SECRET, { algorithm }))).to.match(/algorithm/)
    }
  })

  it('refuses another key', () => {
    expect(reasonOf(jwt.sign(good, `${SECRET}x`, { algorithm: 'HS256' }))).to.match(/signature/)
  })

  it('refuses a payload swapped under a valid signature', () => {
    const [header, , signature] = jwt.sign(good, SECRET, { algorithm: 'HS256' }).split('.')
    expect(reasonOf(`${header}.${b64({ ...good, role: 'admin' })}.${signature}`)).to.match(/signature/)
  })

  it('refuses an expired token and one from another issuer', () => {
    expect(reasonOf(jwt.sign({ ...good, exp: nowSeconds }, SECRET, { algorithm: 'HS256' }))).to.match(/expired/)
    expect(reasonOf(jwt.sign({ ...good, iss: 'someone-else' }, SECRET, { algorithm: 'HS256' }))).to.match(/issuer/)
    const { iss: _iss, ...noIssuer } = good
    reasonOf(jwt.sign(noIssuer, SECRET, { algorithm: 'HS256' }))
  })

  it('refuses correctly signed tokens whose claims are wrong', () => {
    const { exp: _exp, ...noExpiry } = good
    const bad = [
      noExpiry,
      { ...good, sub: 'not-a-uuid' },
      { ...good, role: 'root' },
      { ...good, sv: 1.5 },
      { ...good, sv: -1 },
      { ...good, sv: '1' },
    ]
    for (const payload of bad) {
      expect(reasonOf(jwt.sign(payload, SECRET, { algorithm: 'HS256' }))).to.match(/claims/)
    }
  })

  it('refuses a token that is not yet valid', () => {
    reasonOf(jwt.sign({ ...good, nbf: nowSeconds + 30 }, SECRET, { algorithm: 'HS256' }))
  })

  it('stamps iat and exp from the injected clock', () => {
    const decoded = jwt.decode(tokens.issue({ userId: good.sub, role: 'user', sessionVersion: 1, sessionId: good.sid }).token, { complete: true })
    expect(decoded?.header.alg).to.equal('HS256')
    expect(decoded?.payload).to.include({ iat: nowSeconds, exp: nowSeconds + 900, iss: 'imgtier', sv: 1 })
  })

  describe('remembering verified tokens', () => {
    const fresh = () => {
      const ownClock = fixedClock(START)
      return { ownClock, own: jwtAccessTokens({ secret: SECRET, clock: ownClock }) }
    }

    it('answers the same claims for a token it has seen, and refuses it once it expires', () => {
      const { ownClock, own } = fresh()
      const { token } = own.issue({ userId: good.sub, role: 'user', sessionVersion: 3, sessionId: good.sid })
      const first = own.verify(token)
      expect(own.verify(token)).to.deep.equal(first)
      expect(E.isRight(first) && first.right).to.deep.include({ userId: good.sub, sessionVersion: 3 })
      ownClock.advance(899_000)
      expect(E.isRight(own.verify(token))).to.equal(true)
      ownClock.advance(1_000)
      const expired = own.verify(token)
      expect(E.isLeft(expired) && expired.left.reason).to.match(/expired/)
    })

    it('honours nbf on a remembered token exactly as on a new one', () => {
      const { ownClock, own } = fresh()
      const token = jwt.sign({ ...good, nbf: nowSeconds + 10, exp: nowSeconds + 600 }, SECRET, { algorithm: 'HS256' })
      expect(E.isLeft(own.verify(token))).to.equal(true)
      ownClock.advance(10_000)
      expect(E.isRight(own.verify(token))).to.equal(true)
      ownClock.set(START)
      expect(E.isLeft(own.verify(token))).to.equal(true)
    })

    it('does not let a tampered copy of a remembered token through', () => {
      const { own } = fresh()
      const token = jwt.sign(good, SECRET, { algorithm: 'HS256' })
      expect(E.isRight(own.verify(token))).to.equal(true)
      const [header, , signature] = token.split('.')
      const forged = own.verify(`${header}.${b64({ ...good, role: 'admin' })}.${signature}`)
      expect(E.isLeft(forged) && forged.left.reason).to.match(/signature/)
      expect(E.isLeft(own.verify(`${token}x`))).to.equal(true)
    })
  })

  it('refuses to start with a short secret or a silly lifetime', () => {
    expect(() => jwtAccessTokens({ secret: 'short', clock })).to.throw(/at least/)
    expect(() => jwtAccessTokens({ secret: SECRET, clock, ttlSeconds: 0 })).to.throw(/ttl/)
  })
})
