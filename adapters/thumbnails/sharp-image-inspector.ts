import * as TE from 'fp-ts/TaskEither'
import { pipe } from 'fp-ts/function'
import type { HeaderAccepted, ImageInspector, InspectError, InspectedImage } from '../../application/ports/blobs'
import type { ImageUnreadable } from '../../domain/errors'
import type { ImageFormat } from '../../domain/image'
import { sniffImageFormat } from '../../domain/image-format'
import { loadSharp } from './load-sharp'

/** libvips messages are multi-line and repeat themselves; the first line says enough. */
export const unreadable = (cause: unknown): ImageUnreadable => ({
  _tag: 'ImageUnreadable',
  reason: (cause instanceof Error ? cause.message : String(cause)).split('\n', 1).join('').slice(0, 200),
})

/** Width × height as the header declares them: nothing decoded yet. */
const metadataOf = (bytes: Buffer) =>
  TE.tryCatch(async () => {
    const sharp = await loadSharp()
    // No pixel limit here: the header is all that is read, and our own check below
    // reports the count instead of sharp's generic refusal.
    return sharp(bytes, { limitInputPixels: false }).metadata()
  }, unreadable)

/**
 * Decodes every byte, but at a tiny size: JPEG shrinks on load (1/8 scale inside
 * libjpeg), so a 50 MP upload costs a fraction of a full decode. failOn 'error' makes
 * a truncated scan or a bad PNG CRC fatal instead of a grey band.
 */
const proveDecodable = (bytes: Buffer, maxPixels: number) =>
  TE.tryCatch(async () => {
    const sharp = await loadSharp()
    await sharp(bytes, { failOn: 'error', limitInputPixels: maxPixels, sequentialRead: true })
      .resize({ width: 8, height: 8, fit: 'inside' })
      .raw()
      .toBuffer()
  }, unreadable)

/** Format, size and pixel count, from the magic bytes and the header: nothing decoded yet. */
const readHeader = (bytes: Buffer, { maxPixels }: { readonly maxPixels: number }): TE.TaskEither<InspectError, HeaderAccepted> => {
  const sniffed = sniffImageFormat(bytes)
  if (!sniffed.supported) return TE.left({ _tag: 'UnsupportedImageFormat', detected: sniffed.detected })
  const format: ImageFormat = sniffed.format
  return pipe(
    metadataOf(bytes),
    TE.chainW((m): TE.TaskEither<InspectError, InspectedImage> => {
      // The magic bytes and the decoder must agree, or the file is something crafted.
      if (m.format !== format) return TE.left(unreadable(`declared ${format} but decodes as ${m.format}`))
      const pixels = m.width * m.height
      if (pixels > maxPixels) return TE.left({ _tag: 'ImageTooManyPixels', pixels, maxPixels })
      return TE.right({ format, width: m.autoOrient.width, height: m.autoOrient.height })
    }),
    TE.map((image) => ({ image, decode: () => proveDecodable(bytes, maxPixels) })),
  )
}

export const sharpImageInspector = (): ImageInspector => ({
  readHeader,
  inspect: (bytes, limits) =>
    pipe(
      readHeader(bytes, limits),
      TE.chainFirstW(({ decode }) => decode()),
      TE.map(({ image }) => image),
    ),
})
