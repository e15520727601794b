import { expect } from 'chai'
import * as E from 'fp-ts/Either'
import type { LinkClaims, LinkSigner } from '../../application/ports/security'
import { ORIGINAL, thumbnail } from '../../domain/variant'

export interface LinkSignerHarness {
  readonly signer: LinkSigner
  /** The same adapter under other keys: its links must never verify here. */
  readonly stranger: LinkSigner
}

const IMAGE_ID = '0b7e4a2c-5d1f-4e8a-9c3b-2f6d8e1a7b90'
const EXPIRES = new Date('2030-01-02T03:04:05Z')
const claims: LinkClaims = { imageId: IMAGE_ID, variant: thumbnail(200), expiresAt: EXPIRES }

export const expectLinkInvalid = (result: E.Either<{ _tag: string }, unknown>, what = ''): void => {
  expect(E.isLeft(result), `expected ${what || 'the token'} to be refused`).to.equal(true)
  if (E.isLeft(result)) expect(result.left._tag).to.equal('LinkInvalid')
}

export const linkSignerContract = (name: string, make: () => LinkSignerHarness): Mocha.Suite =>
  describe(`LinkSigner contract: ${name}`, () => {
    it('round-trips image, variant and expiry, for thumbnails and the original', () => {
      const { signer } = make()
      for (const c of [claims, { ...claims, variant: ORIGINAL }, { ...claims, variant: thumbnail(4096) }]) {
        expect(signer.verify(signer.sign(c))).to.deep.equal(E.right(c))
      }
    })

    it('makes tokens that sit in a URL path unescaped', () => {
      const token = make().signer.sign(claims)
      expect(encodeURIComponent(token)).to.equal(token)
      expect(token.length).to.be.below(200)
    })

    it('never lets a link outlive its expiry (sub-second parts are dropped)', () => {
      const { signer } = make()
      const verified = signer.verify(signer.sign({ ...claims, expiresAt: new Date(EXPIRES.getTime() + 999) }))
      expect(verified).to.deep.equal(E.right(claims))
    })

    it('checks signature and shape only: an expired link still verifies (the use-case judges expiry)', () => {
      const { signer } = make()
      const past = { ...claims, expiresAt: new Date('2001-01-01T00:00:00Z') }
      expect(signer.verify(signer.sign(past))).to.deep.equal(E.right(past))
    })

    it('refuses the token with ANY single character changed', () => {
      const { signer } = make()
      const token = signer.sign(claims)
      for (let i = 0; i < token.length; i++) {
        for (const replacement of ['A', 'b', '0', '.', '-']) {
          if (token[i] === replacement) continue
          const forged = token.slice(0, i) + replacement + token.slice(i + 1)
          expectLinkInvalid(signer.verify(forged), `position ${i} → ${replacement}`)
        }
      }
    })

    it('refuses every truncation and any extra text', () => {
      const { signer } = make()
      const token = signer.sign(claims)
      for (let n = 0; n < token.length; n++) expectLinkInvalid(signer.verify(token.slice(0, n)), `${n} characters`)
      for (const extended of [`${token}.`, `${token}.x`, `x.${token}`, `.${token}`, `${token}A`, `${token} `, `${token}\n`]) {
        expectLinkInvalid(signer.verify(extended), JSON.stringify(extended))
      }
    })

    it('refuses links from another signer', () => {
      const { signer, stranger } = make()
      expectLinkInvalid(signer.verify(stranger.sign(claims)))
    })

    it('refuses garbage without throwing', () => {
      const { signer } = make()
      for (const garbage of ['', '.', '....', 'a.b.c.d.e', '%00', 'x'.repeat(10_000), '💥.💥.💥.💥.💥']) {
        expectLinkInvalid(signer.verify(garbage), JSON.stringify(garbage.slice(0, 20)))
      }
    })
  })
