// Run on purpose: node -r @swc-node/register bench/link-signer.ts
import { hmacLinkSigner } from '../adapters/auth/hmac-link-signer'
import { thumbnail } from '../domain/variant'

const perCallMicros = (n: number, f: () => unknown): number => {
  for (let i = 0; i < Math.min(n, 10_000); i++) f() // warm up the JIT
  const start = process.hrtime.bigint()
  for (let i = 0; i < n; i++) f()
  return Number(process.hrtime.bigint() - start) / 1000 / n
}

const signer = hmacLinkSigner({
  keys: [
    { kid: 'k2', secret: 'a-link-secret-of-32-characters!!' },
    { kid: 'k1', secret: 'an-older-secret-still-accepted!!' },
  ],
})
const claims = { imageId: '0b7e4a2c-5d1f-4e8a-9c3b-2f6d8e1a7b90', variant: thumbnail(400), expiresAt: new Date(Date.now() + 3600_000) }
const token = signer.sign(claims)
const forged = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`
const N = 200_000

console.log(`token (${token.length} chars): ${token}`)
console.log(`sign:            ${perCallMicros(N, () => signer.sign(claims)).toFixed(2)} µs`)
console.log(`verify (good):   ${perCallMicros(N, () => signer.verify(token)).toFixed(2)} µs`)
console.log(`verify (forged): ${perCallMicros(N, () => signer.verify(forged)).toFixed(2)} µs`)
console.log(`verify (junk):   ${perCallMicros(N, () => signer.verify('not-a-token')).toFixed(2)} µs`)
