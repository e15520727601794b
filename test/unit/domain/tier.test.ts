import { expect } from 'chai'
import * as E from 'fp-ts/Either'
import { allowExpiringLink, allowsVariant, applyTierPatch, BUILT_IN_TIERS, TierInput, TierPatch, tierStillAllowsLink, type Tier } from '../../../domain/tier'
import { ORIGINAL, thumbnail } from '../../../domain/variant'

const tier = (over: Partial<Tier> = {}): Tier => ({
  id: 't', name: 'T', thumbnailHeights: [200, 400], originalLink: true, expiringLinks: true, expiringLinkSeconds: { min: 300, max: 30000 }, ...over,
})

describe('domain: tiers', () => {
  it('seeds Basic, Premium and Enterprise exactly as DESIGN.md §2 tabulates them', () => {
    expect(BUILT_IN_TIERS.map((t) => [t.name, t.thumbnailHeights, t.originalLink, t.expiringLinks])).to.deep.equal([
      ['Basic', [200], false, false],
      ['Premium', [200, 400], true, false],
      ['Enterprise', [200, 400], true, true],
    ])
  })

  it('decodes a tier input: 1–20 distinct heights of 16–4096, sorted; name trimmed; flags default to off', () => {
    const ok = TierInput.decode({ name: '  Gold ', thumbnailHeights: [640, 16, 4096] })
    expect(E.isRight(ok) && ok.right).to.deep.equal({ name: 'Gold', thumbnailHeights: [16, 640, 4096] })
    for (const bad of [
      { name: '', thumbnailHeights: [200] }, { name: 'x'.repeat(101), thumbnailHeights: [200] }, { name: 'x', thumbnailHeights: [] },
      { name: 'x', thumbnailHeights: [15] }, { name: 'x', thumbnailHeights: [4097] }, { name: 'x', thumbnailHeights: [200, 200] },
      { name: 'x', thumbnailHeights: [200.5] }, { name: 'x', thumbnailHeights: ['200'] }, { name: 'x', thumbnailHeights: Array.from({ length: 21 }, (_, i) => 16 + i) },
      { name: 'x', thumbnailHeights: [200], expiringLinkSeconds: { min: 59, max: 100 } }, { name: 'x', thumbnailHeights: [200], expiringLinkSeconds: { min: 500, max: 400 } },
      { name: 'x', thumbnailHeights: [200], expiringLinkSeconds: { min: 60, max: 604801 } },
    ]) expect(E.isLeft(TierInput.decode(bad)), JSON.stringify(bad)).to.equal(true)
  })

  it('checks a patch against the merged tier: either expiry bound may change alone, never past the other', () => {
    const base = tier({ expiringLinkSeconds: { min: 300, max: 600 } })
    const decode = (u: unknown) => { const r = TierPatch.decode(u); if (E.isLeft(r)) throw new Error('patch'); return r.right }
    expect(applyTierPatch(base, decode({ expiringLinkSeconds: { max: 900 } }))).to.deep.equal(E.right({ ...base, expiringLinkSeconds: { min: 300, max: 900 } }))
    expect(E.isLeft(applyTierPatch(base, decode({ expiringLinkSeconds: { min: 700 } })))).to.equal(true)
  })

  it('allows the original and the heights of the tier, and nothing else', () => {
    expect(allowsVariant(tier(), thumbnail(400))).to.deep.equal(E.right(thumbnail(400)))
    expect(allowsVariant(tier(), thumbnail(300))).to.deep.equal(E.left({ _tag: 'TierForbidsSize', height: 300, allowed: [200, 400] }))
    expect(allowsVariant(tier({ originalLink: false }), ORIGINAL)).to.deep.equal(E.left({ _tag: 'TierForbidsOriginal' }))
  })

  it('judges an expiring link: permission first (403), then the value (400) within the tier bounds', () => {
    expect(allowExpiringLink(tier({ expiringLinks: false }), thumbnail(200), 'garbage')).to.deep.equal(E.left({ _tag: 'TierForbidsExpiringLinks' }))
    expect(allowExpiringLink(tier(), thumbnail(300), 'garbage')).to.have.nested.property('left._tag', 'TierForbidsSize')
    for (const ok of [300, 30000]) expect(allowExpiringLink(tier(), thumbnail(200), ok)).to.deep.equal(E.right(ok))
    for (const bad of [299, 30001, '300', 300.5, -1, null, undefined, NaN, Infinity, [300], { s: 300 }]) {
      expect(allowExpiringLink(tier(), ORIGINAL, bad), String(bad)).to.deep.equal(E.left({ _tag: 'InvalidExpiry', min: 300, max: 30000 }))
    }
  })

  it('re-judges a link at use: it dies when its variant or expiring links leave the tier', () => {
    expect(tierStillAllowsLink(tier(), thumbnail(400))).to.equal(true)
    expect(tierStillAllowsLink(tier({ thumbnailHeights: [200] }), thumbnail(400))).to.equal(false)
    expect(tierStillAllowsLink(tier({ expiringLinks: false }), thumbnail(200))).to.equal(false)
    expect(tierStillAllowsLink(tier({ originalLink: false }), ORIGINAL)).to.equal(false)
  })
})
