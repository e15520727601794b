// Run on purpose: node -r @swc-node/register bench/access-tokens.ts
// Why the adapter turns its secret into a KeyObject once: with a string, jsonwebtoken
// tries to parse it as a public key on every verify and only then falls back.
import { createSecretKey } from 'node:crypto'
import jwt from 'jsonwebtoken'
import { jwtAccessTokens } from '../adapters/auth/jwt-access-tokens'
import { systemClock } from '../adapters/runtime/clock'

const perCallMicros = (n: number, f: () => unknown): number => {
  for (let i = 0; i < Math.min(n, 2_000); i++) f()
  const start = process.hrtime.bigint()
  for (let i = 0; i < n; i++) f()
  return Number(process.hrtime.bigint() - start) / 1000 / n
}

const secret = 'a-jwt-secret-of-at-least-32-chars!!'
const key = createSecretKey(Buffer.from(secret))
const tokens = jwtAccessTokens({ secret, clock: systemClock() })
const claims = { userId: '3b241101-e2bb-4255-8caf-4136c566a962', role: 'user' as const, sessionVersion: 1, sessionId: '7c9e6679-7425-40de-944b-e07fc1f90ae7' }
const { token } = tokens.issue(claims)
const options = { algorithms: ['HS256' as const], issuer: 'imgtier' }

console.log(`adapter issue:               ${perCallMicros(20_000, () => tokens.issue(claims)).toFixed(2)} µs`)
console.log(`adapter verify (+ codec):    ${perCallMicros(20_000, () => tokens.verify(token)).toFixed(2)} µs`)
console.log(`jwt.verify, KeyObject:       ${perCallMicros(20_000, () => jwt.verify(token, key, options)).toFixed(2)} µs`)
console.log(`jwt.verify, string secret:   ${perCallMicros(2_000, () => jwt.verify(token, secret, options)).toFixed(2)} µs`)
