import { expect } from 'chai'
import * as E from 'fp-ts/Either'
import type { ImageInspector } from '../../application/ports/blobs'
import {
  decompressionBombPng, jpegBomb, jpegHeaderThenGarbage, jpegOrientation6, jpegWithGps, makeJpeg, makePng,
  pngSignatureThenGarbage, pngWithBadCrc, truncated, unsupportedSamples,
} from '../support/images'

const MAX = 50_000_000

export const imageInspectorContract = (name: string, make: () => ImageInspector) =>
  describe(`ImageInspector contract: ${name}`, () => {
    const inspect = (bytes: Buffer, maxPixels = MAX) => make().inspect(bytes, { maxPixels })()
    const failure = async (bytes: Buffer, maxPixels = MAX) => {
      const r = await inspect(bytes, maxPixels)
      if (E.isRight(r)) expect.fail(`accepted as ${JSON.stringify(r.right)}`)
      return r.left
    }

    it('reads a JPEG and a PNG: format from the bytes, size from the header', async () => {
      expect(await inspect(await makeJpeg({ width: 64, height: 48 }))).to.deep.equal(E.right({ format: 'jpeg', width: 64, height: 48 }))
      expect(await inspect(await makePng({ width: 30, height: 70, alpha: true }))).to.deep.equal(E.right({ format: 'png', width: 30, height: 70 }))
    })

    it('reports the displayed size: EXIF orientation 6 swaps width and height', async () => {
      expect(await inspect(await jpegOrientation6())).to.deep.equal(E.right({ format: 'jpeg', width: 40, height: 60 }))
    })

    it('accepts metadata it does not care about (GPS is stripped later, not refused)', async () => {
      expect(E.isRight(await inspect(await jpegWithGps()))).to.equal(true)
    })

    it('refuses every other format with what it detected', async () => {
      for (const sample of await unsupportedSamples()) {
        expect(await failure(sample.bytes), sample.name).to.deep.equal({ _tag: 'UnsupportedImageFormat', detected: sample.detected })
      }
    })

    it('refuses a decompression bomb from its header alone, at once', async () => {
      const started = performance.now()
      expect(await failure(decompressionBombPng())).to.deep.equal({ _tag: 'ImageTooManyPixels', pixels: 900_000_000, maxPixels: MAX })
      expect(await failure(await jpegBomb())).to.deep.equal({ _tag: 'ImageTooManyPixels', pixels: 65_000 * 65_000, maxPixels: MAX })
      expect(performance.now() - started).to.be.below(1000)
    })

    it('counts pixels against the limit inclusively', async () => {
      const png = await makePng({ width: 20, height: 10 })
      expect(E.isRight(await inspect(png, 200))).to.equal(true)
      expect(await failure(png, 199)).to.deep.equal({ _tag: 'ImageTooManyPixels', pixels: 200, maxPixels: 199 })
    })

    it('refuses bytes that do not decode completely', async () => {
      // Large enough that the cut falls in the scan data, after an intact header.
      const jpeg = await makeJpeg({ width: 160, height: 120, quality: 95 })
      const cases: Array<[string, Buffer]> = [
        ['truncated JPEG', truncated(jpeg, 0.7)],
        ['truncated PNG', truncated(await makePng({ width: 64, height: 48 }), 0.7)],
        ['PNG with a bad CRC', await pngWithBadCrc()],
        ['JPEG magic, then garbage', jpegHeaderThenGarbage()],
        ['PNG signature, then garbage', pngSignatureThenGarbage()],
        // A small declared size passes the pixel check; only decoding finds the data missing.
        ['PNG whose data ends early', decompressionBombPng(400, 400)],
      ]
      for (const [label, bytes] of cases) expect((await failure(bytes))._tag, label).to.equal('ImageUnreadable')
    })

    it('in two steps, where it offers them, judges as in one: the header refuses at once, the decode the rest', async function () {
      const { readHeader } = make()
      if (!readHeader) return this.skip() // the header is all such an inspector judges
      const header = (bytes: Buffer) => readHeader(bytes, { maxPixels: MAX })()
      const jpeg = await makeJpeg({ width: 160, height: 120, quality: 95 })
      const whole = await header(jpeg)
      if (E.isLeft(whole)) return expect.fail(`header refused: ${JSON.stringify(whole.left)}`)
      expect(whole.right.image).to.deep.equal({ format: 'jpeg', width: 160, height: 120 })
      expect(E.isRight(await whole.right.decode()())).to.equal(true)
      // What the header alone can tell is refused before any decode is offered.
      expect(await header(await jpegBomb())).to.satisfy((r: E.Either<{ _tag: string }, unknown>) => E.isLeft(r) && r.left._tag === 'ImageTooManyPixels')
      const [gif] = await unsupportedSamples()
      if (gif) expect(await header(gif.bytes)).to.satisfy((r: E.Either<{ _tag: string }, unknown>) => E.isLeft(r) && r.left._tag === 'UnsupportedImageFormat')
      // A cut in the scan data passes the header; only the decode finds it.
      const cut = await header(truncated(jpeg, 0.7))
      if (E.isLeft(cut)) return expect.fail(`header refused a truncated scan: ${JSON.stringify(cut.left)}`)
      const decoded = await cut.right.decode()()
      expect(E.isLeft(decoded) && decoded.left._tag).to.equal('ImageUnreadable')
    })
  })
