import type { ImageFormat } from '../../domain/image'
import { loadSharp } from './load-sharp'

export interface RenderedThumbnail {
  readonly bytes: Buffer
  readonly width: number
  readonly height: number
}

export interface RenderLimits {
  /** Originals were checked at upload; this only guards against a store tampered with since. */
  readonly maxInputPixels?: number
  /** An output-size cap (as unjs/ipx has): a noisy 4096-high PNG must not fill a disk or a Lambda. */
  readonly maxOutputBytes?: number
}

export const DEFAULT_MAX_INPUT_PIXELS = 0x3fff * 0x3fff
export const DEFAULT_MAX_OUTPUT_BYTES = 32 * 1024 * 1024

/** The displayed size scaled to `height`, never enlarged; width rounded half up. */
export const thumbnailSize = (displayed: { width: number; height: number }, height: number) =>
  displayed.height <= height
    ? { width: displayed.width, height: displayed.height }
    : { width: Math.max(1, Math.round((displayed.width * height) / displayed.height)), height }

/**
 * The one thumbnail recipe, shared by the in-process renderer and the Lambda handler
 * so both produce the same bytes: orient by EXIF, scale to `height` keeping the aspect
 * ratio, never upscale, sRGB, no metadata at all (sharp strips EXIF, GPS, XMP and ICC
 * unless told to keep them), same format as the original.
 * Throws on an undecodable original or an oversized result; callers turn that into
 * RenderFailed.
 */
export const renderThumbnail = async (
  original: Buffer,
  height: number,
  format: ImageFormat,
  limits: RenderLimits = {},
  /** The displayed size when already known (the image row holds it): saves a header read. */
  displayed?: { readonly width: number; readonly height: number },
): Promise<RenderedThumbnail> => {
  const sharp = await loadSharp()
  const input = { failOn: 'error', limitInputPixels: limits.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS } as const
  // Computed here rather than left to libvips, whose rounding of the free side differs
  // between shrink-on-load and plain resize: the size is part of the API's contract.
  const size = thumbnailSize(displayed ?? (await sharp(original, input).metadata()).autoOrient, height)
  const pipeline = sharp(original, { ...input, autoOrient: true })
    .resize({ ...size, fit: 'fill' })
    .toColourspace('srgb')
  const encoded = format === 'jpeg' ? pipeline.jpeg({ quality: 82 }) : pipeline.png({ compressionLevel: 6 })
  const { data, info } = await encoded.toBuffer({ resolveWithObject: true })
  const cap = limits.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES
  if (data.length > cap) throw new Error(`thumbnail of ${data.length} bytes exceeds the ${cap}-byte cap`)
  return { bytes: data, width: info.width, height: info.height }
}
