import { expect } from 'chai'
import sharp from 'sharp'
import type { BlobStorage, ThumbnailRenderer } from '../../application/ports/blobs'
import { jpegOrientation6, jpegWithGps, makeJpeg, makePng } from '../support/images'
import { run, runLeft } from './blob-storage.contract'

export interface ThumbnailRendererHarness {
  readonly renderer: ThumbnailRenderer
  readonly originals: BlobStorage
  readonly thumbnails: BlobStorage
  close(): Promise<void>
}

/** Is the pixel at (x, y) the fixtures' red (rather than their blue)? */
const isRedAt = async (img: Buffer, x: number, y: number): Promise<boolean> => {
  const { data, info } = await sharp(img).raw().toBuffer({ resolveWithObject: true })
  const i = (y * info.width + x) * info.channels
  return data[i]! > 150 && data[i + 2]! < 100
}

export const thumbnailRendererContract = (name: string, make: () => Promise<ThumbnailRendererHarness>) =>
  describe(`ThumbnailRenderer contract: ${name}`, () => {
    let h: ThumbnailRendererHarness
    let n = 0
    before(async () => {
      h = await make()
    })
    after(async () => h?.close())

    const renderOnly = async (original: Buffer, height: number, format: 'jpeg' | 'png') => {
      const id = `img${++n}`
      await run(h.originals.put(id, original, format === 'jpeg' ? 'image/jpeg' : 'image/png'))
      const result = await run(h.renderer.render({ originalKey: id, height, format, thumbnailKey: `${id}/${height}` }))
      return { result, stored: await run(h.thumbnails.get(`${id}/${height}`)), id }
    }

    it('stores the thumbnail under its key with the format\'s type, and reports its size and bytes', async () => {
      const { result, stored, id } = await renderOnly(await makeJpeg({ width: 120, height: 80 }), 40, 'jpeg')
      expect(result).to.deep.equal({ thumbnailKey: `${id}/40`, width: 60, height: 40, bytes: stored.bytes.length })
      expect(stored.contentType).to.equal('image/jpeg')
    })

    it('rounds the width', async () => {
      // 61 × 25/40 = 38.125 → 38;  63 × 20/40 = 31.5 → 32
      expect((await renderOnly(await makeJpeg({ width: 61, height: 40 }), 25, 'jpeg')).result.width).to.equal(38)
      expect((await renderOnly(await makePng({ width: 63, height: 40 }), 20, 'png')).result.width).to.equal(32)
    })


    it('renders the same bytes when the caller passes the displayed size it knows (no second header read)', async () => {
      for (const [original, format, displayed] of [
        [await makeJpeg({ width: 120, height: 80 }), 'jpeg', { width: 120, height: 80 }],
        // EXIF orientation 6: stored 60×40, displayed 40×60.
        [await jpegOrientation6(), 'jpeg', { width: 40, height: 60 }],
        [await makePng({ width: 63, height: 40 }), 'png', { width: 63, height: 40 }],
      ] as const) {
        const id = `img${++n}`
        await run(h.originals.put(id, original, format === 'jpeg' ? 'image/jpeg' : 'image/png'))
        const plain = await run(h.renderer.render({ originalKey: id, height: 20, format, thumbnailKey: `${id}/plain` }))
        const known = await run(h.renderer.render({ originalKey: id, height: 20, format, thumbnailKey: `${id}/known`, displayed }))
        expect({ ...known, thumbnailKey: '' }).to.deep.equal({ ...plain, thumbnailKey: '' })
        expect((await run(h.thumbnails.get(`${id}/known`))).bytes.equals((await run(h.thumbnails.get(`${id}/plain`))).bytes)).to.equal(true)
      }
    })

    it('never upscales: a shorter original keeps its own height', async () => {
      const { result } = await renderOnly(await makePng({ width: 30, height: 20 }), 200, 'png')
      expect([result.width, result.height]).to.deep.equal([30, 20])
    })

    it('answers BlobNotFound when the original is gone', async () => {
      expect(await runLeft(h.renderer.render({ originalKey: 'no-such-image', height: 200, format: 'jpeg', thumbnailKey: 'no-such-image/200' })))
        .to.deep.equal({ _tag: 'BlobNotFound', key: 'no-such-image' })
    })


    it('answers RenderFailed, not a crash, when the original does not decode', async () => {
      await run(h.originals.put('broken', Buffer.from('not an image at all'), 'image/jpeg'))
      const failure = await runLeft(h.renderer.render({ originalKey: 'broken', height: 200, format: 'jpeg', thumbnailKey: 'broken/200' }))
      expect(failure._tag).to.equal('RenderFailed')
      expect(failure).to.include({ timedOut: false })
      expect(await run(h.thumbnails.exists('broken/200'))).to.equal(false)
    })
  })

/**
 * What a renderer of real pixels adds to the port's contract (sharp in-process and the
 * Lambda; not the in-memory stand-in, which stores placeholders): the stored bytes decode
 * to the size reported, oriented, stripped of metadata, in the original's format.
 */
export const imageRenderingContract = (name: string, make: () => Promise<ThumbnailRendererHarness>) =>
  describe(`Image rendering contract: ${name}`, () => {
    let h: ThumbnailRendererHarness
    let n = 0
    before(async () => {
      h = await make()
    })
    after(async () => h?.close())

    const render = async (original: Buffer, height: number, format: 'jpeg' | 'png') => {
      const id = `img${++n}`
      await run(h.originals.put(id, original, format === 'jpeg' ? 'image/jpeg' : 'image/png'))
      const result = await run(h.renderer.render({ originalKey: id, height, format, thumbnailKey: `${id}/${height}` }))
      const stored = await run(h.thumbnails.get(`${id}/${height}`))
      return { result, stored, meta: await sharp(stored.bytes).metadata(), id }
    }

    it('scales to the height, keeps the aspect ratio, and reports what it stored', async () => {
      const { result, stored, meta, id } = await render(await makeJpeg({ width: 120, height: 80 }), 40, 'jpeg')
      expect(result).to.deep.equal({ thumbnailKey: `${id}/40`, width: 60, height: 40, bytes: stored.bytes.length })
      expect([stored.contentType, meta.format, meta.width, meta.height]).to.deep.equal(['image/jpeg', 'jpeg', 60, 40])
    })


    it('never upscales: a shorter original is re-encoded at its own size', async () => {
      const { result, meta } = await render(await makePng({ width: 30, height: 20 }), 200, 'png')
      expect([result.width, result.height, meta.width, meta.height]).to.deep.equal([30, 20, 30, 20])
    })


    it('orients by EXIF first and leaves no orientation tag behind', async () => {
      // Stored 60×40 with red top-left; orientation 6 shows it 40×60 with red top-right.
      const { result, stored, meta } = await render(await jpegOrientation6(), 30, 'jpeg')
      expect([result.width, result.height, meta.orientation]).to.deep.equal([20, 30, undefined])
      expect(await isRedAt(stored.bytes, 15, 3), 'top right').to.equal(true)
      expect(await isRedAt(stored.bytes, 3, 3), 'top left').to.equal(false)
    })


    it('strips every piece of metadata: EXIF, GPS, ICC, XMP', async () => {
      const original = await jpegWithGps()
      expect((await sharp(original).metadata()).exif, 'the fixture carries EXIF').to.not.equal(undefined)
      const { stored, meta } = await render(original, 16, 'jpeg')
      expect([meta.exif, meta.icc, meta.xmp, meta.iptc]).to.deep.equal([undefined, undefined, undefined, undefined])
      expect(stored.bytes.includes('Spyglass')).to.equal(false)
      expect(meta.space).to.equal('srgb')
    })


    it('keeps the format, and a PNG keeps its transparency', async () => {
      const { stored, meta } = await render(await makePng({ width: 40, height: 40, alpha: true }), 20, 'png')
      expect([stored.contentType, meta.format, meta.hasAlpha]).to.deep.equal(['image/png', 'png', true])
    })

  })
