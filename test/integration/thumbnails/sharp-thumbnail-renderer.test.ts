import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { expect } from 'chai'
import { fsBlobStorage } from '../../../adapters/storage/fs-blob-storage'
import { renderThumbnail, thumbnailSize } from '../../../adapters/thumbnails/render'
import { sharpThumbnailRenderer } from '../../../adapters/thumbnails/sharp-thumbnail-renderer'
import { imageRenderingContract, thumbnailRendererContract, type ThumbnailRendererHarness } from '../../contract/thumbnail-renderer.contract'
import { makeJpeg } from '../../support/images'

const harness = async (): Promise<ThumbnailRendererHarness> => {
  const root = mkdtempSync(path.join(tmpdir(), 'imgtier-render-'))
  const originals = fsBlobStorage(path.join(root, 'originals'))
  const thumbnails = fsBlobStorage(path.join(root, 'thumbnails'))
  return { renderer: sharpThumbnailRenderer({ originals, thumbnails }), originals, thumbnails, close: async () => rmSync(root, { recursive: true, force: true }) }
}

thumbnailRendererContract('sharp in-process', harness)
imageRenderingContract('sharp in-process', harness)

describe('renderThumbnail', () => {
  it('sizes by the displayed height, rounding the width half up, never enlarging', () => {
    expect(thumbnailSize({ width: 1920, height: 1080 }, 200)).to.deep.equal({ width: 356, height: 200 })
    expect(thumbnailSize({ width: 3, height: 1000 }, 16)).to.deep.equal({ width: 1, height: 16 })
    expect(thumbnailSize({ width: 100, height: 200 }, 200)).to.deep.equal({ width: 100, height: 200 })
  })

  it('takes a displayed size it is given instead of reading the header again', async () => {
    const original = await makeJpeg({ width: 120, height: 80 })
    expect(await renderThumbnail(original, 20, 'jpeg')).to.include({ width: 30, height: 20 })
    // A size that is not the header's shows which one was used (callers pass the row's, which is the header's).
    expect(await renderThumbnail(original, 20, 'jpeg', {}, { width: 240, height: 80 })).to.include({ width: 60, height: 20 })
  })

  it('refuses to produce more than the output cap', async () => {
    const original = await makeJpeg({ width: 64, height: 64 })
    let failure: unknown
    await renderThumbnail(original, 64, 'png', { maxOutputBytes: 100 }).catch((e: unknown) => (failure = e))
    expect(String(failure)).to.match(/exceeds the 100-byte cap/)
  })

  it('renders a 2000×1500 JPEG to 200 high quickly', async function () {
    const original = await makeJpeg({ width: 2000, height: 1500 })
    await renderThumbnail(original, 200, 'jpeg')
    const started = performance.now()
    const out = await renderThumbnail(original, 200, 'jpeg')
    const ms = performance.now() - started
    console.log(`      render 2000×1500 → ${out.width}×${out.height}: ${ms.toFixed(1)} ms`)
    expect(ms).to.be.below(2000)
  })
})
