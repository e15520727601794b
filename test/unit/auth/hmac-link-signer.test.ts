import { createHmac } from 'node:crypto'
import { expect } from 'chai'
import * as E from 'fp-ts/Either'
import { hmacLinkSigner } from '../../../adapters/auth/hmac-link-signer'
import { expectLinkInvalid, linkSignerContract } from '../../contract/link-signer.contract'
import { thumbnail } from '../../../domain/variant'

const OLD = { kid: 'k2023', secret: 'old-secret-0123456789abcdef' }
const NEW = { kid: 'k2024', secret: 'new-secret-0123456789abcdef' }
const IMAGE_ID = '0b7e4a2c-5d1f-4e8a-9c3b-2f6d8e1a7b90'
const claims = { imageId: IMAGE_ID, variant: thumbnail(400), expiresAt: new Date('2030-01-01T00:00:00Z') }

linkSignerContract('HMAC-SHA256', () => ({
  signer: hmacLinkSigner({ keys: [NEW, OLD] }),
  stranger: hmacLinkSigner({ keys: [{ kid: 'k2024', secret: 'someone-elses-secret-0123456789' }] }),
}))

/** Mints a correctly MACed token around arbitrary text, to prove parsing is strict on its own. */
const mint = (key: { kid: string; secret: string }, rest: string): string => {
  const signed = `${key.kid}.${rest}`
  return `${signed}.${createHmac('sha256', key.secret).update(`imgtier-link-v1.${signed}`).digest('base64url')}`
}

describe('hmacLinkSigner', () => {
  it('signs with the first key and names it in the token', () => {
    expect(hmacLinkSigner({ keys: [NEW, OLD] }).sign(claims)).to.match(/^k2024\.0b7e4a2c-5d1f-4e8a-9c3b-2f6d8e1a7b90\.t400\.1893456000\.[A-Za-z0-9_-]{43}$/)
  })

  it('rotates: an old key verifies while it is listed, and stops once removed', () => {
    const token = hmacLinkSigner({ keys: [OLD] }).sign(claims)
    expect(hmacLinkSigner({ keys: [NEW, OLD] }).verify(token)).to.deep.equal(E.right(claims))
    expectLinkInvalid(hmacLinkSigner({ keys: [NEW] }).verify(token))
  })

  it('refuses an unknown key id, even one with the right secret behind another name', () => {
    const token = hmacLinkSigner({ keys: [{ kid: 'elsewhere', secret: NEW.secret }] }).sign(claims)
    expectLinkInvalid(hmacLinkSigner({ keys: [NEW] }).verify(token))
  })

  it('the hand-minted control token verifies, so the refusals below are about parsing', () => {
    expect(E.isRight(hmacLinkSigner({ keys: [NEW] }).verify(mint(NEW, `${IMAGE_ID}.t400.1893456000`)))).to.equal(true)
  })

  it('refuses correctly MACed tokens that are not in canonical form', () => {
    const signer = hmacLinkSigner({ keys: [NEW] })
    const nonCanonical = [
      `${IMAGE_ID.toUpperCase()}.t400.1893456000`,
      `${IMAGE_ID.replace(/-/g, '')}.t400.1893456000`,
      `{${IMAGE_ID}}.t400.1893456000`,
      `${IMAGE_ID}.t0400.1893456000`,
      `${IMAGE_ID}.T400.1893456000`,
      `${IMAGE_ID}.t400.01893456000`,
      `${IMAGE_ID}.t400.1893456000.5`,
      `${IMAGE_ID}.t400.-1`,
      `${IMAGE_ID}.t400.1e9`,
      `${IMAGE_ID}.original.1893456000`,
      `${IMAGE_ID}.t400`,
    ]
    for (const rest of nonCanonical) expectLinkInvalid(signer.verify(mint(NEW, rest)), rest)
  })

  it('refuses to sign a non-canonical image id or an impossible expiry (caller bugs)', () => {
    const signer = hmacLinkSigner({ keys: [NEW] })
    expect(() => signer.sign({ ...claims, imageId: IMAGE_ID.toUpperCase() })).to.throw(/image id/)
    expect(() => signer.sign({ ...claims, expiresAt: new Date(0) })).to.throw(/expiry/)
  })

  it('refuses to start on a bad key list', () => {
    expect(() => hmacLinkSigner({ keys: [] })).to.throw(/at least one/)
    expect(() => hmacLinkSigner({ keys: [{ kid: 'a.b', secret: NEW.secret }] })).to.throw(/key id/)
    expect(() => hmacLinkSigner({ keys: [{ kid: 'k', secret: 'short' }] })).to.throw(/at least 16/)
    expect(() => hmacLinkSigner({ keys: [NEW, NEW] })).to.throw(/twice/)
  })
})
