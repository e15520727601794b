import { expect } from 'chai'
import * as E from 'fp-ts/Either'
import { decideImageName } from '../../../domain/image'
import { sniffImageFormat } from '../../../domain/image-format'
import { imageLinks } from '../../../domain/links'
import { BUILT_IN_TIERS, type Tier } from '../../../domain/tier'
import { parseHeight, variantFromString, variantToString, ORIGINAL, thumbnail } from '../../../domain/variant'

const named = (name: string): Tier => {
  const draft = BUILT_IN_TIERS.find((t) => t.name === name)
  if (!draft) throw new Error(name)
  return { id: name, ...draft }
}

describe('domain: images, variants and links', () => {
  it('names an image: the given name trimmed, else the file name without extension; blank counts as absent', () => {
    expect(decideImageName('  cat  ', 'x.jpg')).to.deep.equal(E.right('cat'))
    expect(decideImageName(undefined, 'holiday.beach.jpg')).to.deep.equal(E.right('holiday.beach'))
    expect(decideImageName('   ', 'C:\\\\photos\\\\dog.png')).to.deep.equal(E.right('dog'))
    expect(decideImageName(undefined, '.png')).to.deep.equal(E.right('.png'))
    expect(decideImageName('x'.repeat(255), undefined)).to.deep.equal(E.right('x'.repeat(255)))
    expect(E.isLeft(decideImageName('x'.repeat(256), undefined))).to.equal(true)
    for (const bad of ['a\u0000b', 'a\nb', 'tab\there', 'bell\u0007', 'line\u2028sep']) expect(E.isLeft(decideImageName(bad, undefined)), JSON.stringify(bad)).to.equal(true)
  })

  it('counts a name in characters (code points), not UTF-16 units', () => {
    const emoji = '\u{1F408}' // one character, two UTF-16 units
    expect(decideImageName(emoji.repeat(255), undefined)).to.deep.equal(E.right(emoji.repeat(255)))
    expect(E.isLeft(decideImageName(emoji.repeat(256), undefined))).to.equal(true)
  })

  it('shortens a long file name into the default name instead of refusing the upload', () => {
    const long = decideImageName(undefined, `${'a'.repeat(300)}.jpg`)
    expect(long).to.deep.equal(E.right('a'.repeat(255)))
    // Cut at a character boundary: never half of a surrogate pair.
    const emoji = decideImageName(undefined, `${'x'}${'\u{1F408}'.repeat(400)}.png`)
    expect(E.isRight(emoji) && [...emoji.right].length).to.equal(255)
    expect(E.isRight(emoji) && /[\uD800-\uDFFF]/u.test(emoji.right)).to.equal(false) // no lone surrogate
    // Shortened, then trimmed: no trailing blank left by the cut.
    expect(decideImageName(undefined, `${'b'.repeat(254)} ${'c'.repeat(10)}.jpg`)).to.deep.equal(E.right('b'.repeat(254)))
    // A given name is the client's word: too long is still refused, not silently cut.
    expect(E.isLeft(decideImageName('n'.repeat(256), 'short.jpg'))).to.equal(true)
  })

  it('decides the format by the bytes alone, and names what it refuses', () => {
    expect(sniffImageFormat(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).to.deep.equal({ supported: true, format: 'jpeg' })
    expect(sniffImageFormat(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).to.deep.equal({ supported: true, format: 'png' })
    const refused = (s: string | Buffer) => sniffImageFormat(typeof s === 'string' ? Buffer.from(s) : s)
    expect(refused('GIF89a')).to.deep.equal({ supported: false, detected: 'gif' })
    expect(refused('%PDF-1.7')).to.deep.equal({ supported: false, detected: 'pdf' })
    expect(refused('  <svg xmlns="…">')).to.deep.equal({ supported: false, detected: 'svg/xml' })
    expect(refused('hello, I am a .png')).to.deep.equal({ supported: false, detected: 'unknown' })
    expect(refused(Buffer.alloc(0))).to.deep.equal({ supported: false, detected: 'unknown' })
  })

  it('reads a height from a path strictly, and round-trips variants through their token form', () => {
    expect(parseHeight('200')).to.deep.equal(E.right(200))
    for (const bad of ['0', '0200', '-200', '200.0', '2e2', ' 200', 'abc', '']) expect(E.isLeft(parseHeight(bad)), bad).to.equal(true)
    for (const v of [ORIGINAL, thumbnail(16), thumbnail(4096)]) expect(variantFromString(variantToString(v))).to.deep.equal(v)
    for (const bad of ['', 'x', 't', 't0', 't012', 'o2']) expect(variantFromString(bad), bad).to.equal(undefined)
  })

  it("computes links from the owner's tier: keys the tier does not allow are absent, not null", () => {
    const base = 'https://img.example'
    const image = { id: 'abc' }
    expect(imageLinks(base, image, named('Basic'))).to.deep.equal({ thumbnails: { 200: `${base}/images/abc/thumbnails/200` } })
    const premium = imageLinks(base, image, named('Premium'))
    expect(Object.keys(premium)).to.deep.equal(['thumbnails', 'original'])
    const enterprise = imageLinks(base, image, named('Enterprise'))
    expect(enterprise.expiringLinks).to.deep.equal({
      thumbnails: { 200: `${base}/images/abc/thumbnails/200/expiring-links`, 400: `${base}/images/abc/thumbnails/400/expiring-links` },
      original: `${base}/images/abc/original/expiring-links`,
    })
    // Expiring links without the original: no expiring link to the original either.
    const noOriginal = imageLinks(base, image, { ...named('Enterprise'), originalLink: false })
    expect(noOriginal).not.to.have.property('original')
    expect(noOriginal.expiringLinks).not.to.have.property('original')
  })

  it('joins a base URL with or without trailing slashes into one slash', () => {
    for (const base of ['https://x/img', 'https://x/img/', 'https://x/img//']) {
      expect(imageLinks(base, { id: 'abc' }, named('Basic')).thumbnails['200'], base).to.equal('https://x/img/images/abc/thumbnails/200')
    }
  })
})
