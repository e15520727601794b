import { createSecretKey } from 'node:crypto'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as t from 'io-ts'
import jwt from 'jsonwebtoken'
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
const TokenPayload = t.type({
  sub: Uuid,
  role: Role,
  sv: intBetween(0, Number.MAX_SAFE_INTEGER, 'SessionVersion'),
  sid: Uuid,
  exp: t.number,
})

const unauthorized = (reason: string): Unauthorized => ({ _tag: 'Unauthorized', reason })

const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e))

const unixSeconds = (clock: Clock): number => Math.floor(clock.now().getTime() / 1000)

export const jwtAccessTokens = ({ secret, ttlSeconds = 900, clock, issuer = 'imgtier' }: JwtAccessTokensOptions): AccessTokens => {
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`JWT secret must be at least ${MIN_SECRET_LENGTH} characters`)
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new Error('JWT ttlSeconds must be a positive integer')
  // Made once: given a string, jsonwebtoken first tries (and fails) to parse it as a
  // public key on every verify, which costs ~40x the HMAC itself.
  const key = createSecretKey(Buffer.from(secret, 'utf8'))

  return {
    issue: (claims: AccessClaims) => {
      // iat and exp come from the injected clock, never from Date.now(), so tests
      // that move the clock see tokens expire.
      const iat = unixSeconds(clock)
      const payload = { sub: claims.userId, role: claims.role, sv: claims.sessionVersion, sid: claims.sessionId, iat, exp: iat + ttlSeconds }
      const token = jwt.sign(payload, key, { algorithm: ALGORITHM, issuer })
      return { token, expiresIn: ttlSeconds }
    },

    verify: (token: string) =>
      pipe(
        E.tryCatch(
          (): unknown =>
            jwt.verify(token, key, { algorithms: [ALGORITHM], issuer, clockTimestamp: unixSeconds(clock) }),
          (e) => unauthorized(errorMessage(e)),
        ),
        E.chain((decoded) =>
          pipe(
            TokenPayload.decode(decoded),
            E.mapLeft(() => unauthorized('token claims are malformed')),
          ),
        ),
        E.map((p): AccessClaims => ({ userId: p.sub, role: p.role, sessionVersion: p.sv, sessionId: p.sid })),
      ),
  }
}
