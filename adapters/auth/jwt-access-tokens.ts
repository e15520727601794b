import { createSecretKey } from 'node:crypto'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as t from 'io-ts'
import jwt from 'jsonwebtoken'
import { LRUCache } from 'lru-cache'
import type { AccessClaims, AccessTokens } from '../../application/ports/security'
import type { Clock } from '../../application/ports/runtime'
import { intBetween } from '../../domain/codecs'
import type { Unauthorized } from '../../domain/errors'
import { Uuid } from '../../domain/ids'
import { Role } from '../../domain/user'

export interface JwtAccessTokensOptions {
  readonly secret: string
  readonly ttlSeconds?: number
  readonly clock: Clock
  readonly issuer?: string
}

const ALGORITHM = 'HS256'
const MIN_SECRET_LENGTH = 16

/**
 * What a verified token must carry. `exp` is required here because jsonwebtoken
 * accepts a correctly signed token that simply omits it.
 */
const TokenPayload = t.intersection([
  t.type({
    sub: Uuid,
    role: Role,
    sv: intBetween(0, Number.MAX_SAFE_INTEGER, 'SessionVersion'),
    sid: Uuid,
    exp: t.number,
  }),
  // Never issued here, but honoured by jsonwebtoken, so the memo below must honour it too.
  t.partial({ nbf: t.number }),
])

const unauthorized = (reason: string): Unauthorized => ({ _tag: 'Unauthorized', reason })

const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e))

const unixSeconds = (clock: Clock): number => Math.floor(clock.now().getTime() / 1000)

/**
 * Tokens already verified, by their whole text (signature included): a client sends the
 * same token on every request for its lifetime, and jsonwebtoken's verify costs more
 * than the rest of an authenticated request (profiled). Only a token that verified gets
 * in, so an attacker cannot fill it; an entry is used only while the token is unexpired,
 * exactly as jsonwebtoken judges `exp`. Revocation is not the token's business: the
 * principal check after it (session, version, activity) runs on every request.
 */
const VERIFIED_TOKENS_MAX = 10_000

interface Verified { readonly claims: AccessClaims; readonly exp: number; readonly nbf: number }

export const jwtAccessTokens = ({ secret, ttlSeconds = 900, clock, issuer = 'imgtier' }: JwtAccessTokensOptions): AccessTokens => {
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`JWT secret must be at least ${MIN_SECRET_LENGTH} characters`)
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new Error('JWT ttlSeconds must be a positive integer')
  // Made once: given a string, jsonwebtoken first tries (and fails) to parse it as a
  // public key on every verify, which costs ~40x the HMAC itself.
  const key = createSecretKey(Buffer.from(secret, 'utf8'))
  const verified = new LRUCache<string, Verified>({ max: VERIFIED_TOKENS_MAX })

  const verifyFully = (token: string, now: number): E.Either<Unauthorized, Verified> =>
    pipe(
      E.tryCatch(
        (): unknown => jwt.verify(token, key, { algorithms: [ALGORITHM], issuer, clockTimestamp: now }),
        (e) => unauthorized(errorMessage(e)),
      ),
      E.chain((decoded) =>
        pipe(
          TokenPayload.decode(decoded),
          E.mapLeft(() => unauthorized('token claims are malformed')),
        ),
      ),
      E.map((p) => ({
        claims: { userId: p.sub, role: p.role, sessionVersion: p.sv, sessionId: p.sid },
        exp: p.exp,
        nbf: p.nbf ?? -Infinity,
      })),
    )

  return {
    issue: (claims: AccessClaims) => {
      // iat and exp come from the injected clock, never from Date.now(), so tests
      // that move the clock see tokens expire.
      const iat = unixSeconds(clock)
      const payload = { sub: claims.userId, role: claims.role, sv: claims.sessionVersion, sid: claims.sessionId, iat, exp: iat + ttlSeconds }
      const token = jwt.sign(payload, key, { algorithm: ALGORITHM, issuer })
      return { token, expiresIn: ttlSeconds }
    },

    verify: (token: string) => {
      const now = unixSeconds(clock)
      const known = verified.get(token)
      // jsonwebtoken's rules: expired once the clock reaches `exp`, valid from `nbf` on.
      if (known !== undefined && now < known.exp && now >= known.nbf) return E.right(known.claims)
      const result = verifyFully(token, now)
      if (E.isRight(result)) verified.set(token, result.right)
      else verified.delete(token)
      return E.map((v: Verified) => v.claims)(result)
    },
  }
}
