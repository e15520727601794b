import { expect } from 'chai'
import * as E from 'fp-ts/Either'
import { imageTextMemo } from '../../../adapters/http/image-text'
import { ImagePage, TierPage } from '../../../adapters/http/resources'
import { envelopeText, imageJson, tierJson } from '../../../adapters/http/serialize'
import { anImage, aTier } from '../../support/mothers'

const BASE = 'https://img.example'

describe('http: list pages as JSON text', () => {
  it('writes the envelope as the ImagePage codec describes it, links and names escaped', () => {
    const tier = aTier({ thumbnailHeights: [200, 400], originalLink: true, expiringLinks: true })
    const images = [anImage('owner', { name: 'quote " backslash \\ line\u2028sep' }), anImage('owner', { name: 'ünïcödé 🐈' })]
    const text = envelopeText(`${BASE}/images`, { count: 45, results: images, next: { limit: 2, offset: 22 }, previous: { limit: 2, cursor: 'a+b/c=' } }, imageTextMemo(BASE)(tier))
    const parsed: unknown = JSON.parse(text)
    expect(E.isRight(ImagePage.decode(parsed)), text).to.equal(true)
    expect(parsed).to.deep.equal({
      count: 45,
      next: `${BASE}/images?limit=2&offset=22`,
      previous: `${BASE}/images?limit=2&cursor=a%2Bb%2Fc%3D`,
      results: images.map((image) => imageJson(BASE, image, tier)),
    })
  })

  it('writes null for a missing next or previous page, and an empty page as []', () => {
    const text = envelopeText(`${BASE}/admin/tiers`, { count: 0, results: [], next: undefined, previous: undefined }, (t: never) => t)
    expect(JSON.parse(text)).to.deep.equal({ count: 0, next: null, previous: null, results: [] })
    const tiers = [aTier(), aTier()]
    const page: unknown = JSON.parse(envelopeText(`${BASE}/admin/tiers`, { count: 2, results: tiers, next: undefined, previous: undefined }, (t) => JSON.stringify(tierJson(t))))
    expect(E.isRight(TierPage.decode(page))).to.equal(true)
  })

  it("reuses an image's text for the same link settings, and makes a new one when the tier's link settings change", () => {
    const memo = imageTextMemo(BASE)
    const image = anImage('owner')
    const basic = aTier({ thumbnailHeights: [200], originalLink: false, expiringLinks: false })
    expect(JSON.parse(memo(basic)(image))).to.deep.equal(imageJson(BASE, image, basic))
    // Images never change once stored: the same id with the same settings is answered from the memo.
    expect(memo(basic)(image)).to.equal(JSON.stringify(imageJson(BASE, image, basic)))
    expect(JSON.parse(memo({ ...basic, id: 'another tier, same settings' })(image))).to.deep.equal(imageJson(BASE, image, basic))
    // Any link setting a tier edit can change shows at once.
    for (const edited of [{ ...basic, thumbnailHeights: [200, 400] }, { ...basic, originalLink: true }, { ...basic, expiringLinks: true }]) {
      expect(JSON.parse(memo(edited)(image)), JSON.stringify(edited)).to.deep.equal(imageJson(BASE, image, edited))
    }
  })

  it('is a memo keyed by image id and link settings, bounded in size', () => {
    const memo = imageTextMemo(BASE, 5_000)
    const tier = aTier()
    const image = anImage('owner', { name: 'first' })
    memo(tier)(image)
    // The same id answers from the memo (an image never changes once stored)…
    expect(JSON.parse(memo(tier)({ ...image, name: 'renamed' })).name).to.equal('first')
    // …until enough other images pushed it out of the bound.
    for (let i = 0; i < 50; i++) memo(tier)(anImage('owner'))
    expect(JSON.parse(memo(tier)({ ...image, name: 'renamed' })).name).to.equal('renamed')
  })
})
