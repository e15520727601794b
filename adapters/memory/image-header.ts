import type { ImageFormat } from '../../domain/image'
import { sniffImageFormat } from '../../domain/image-format'

export interface ImageHeader { readonly format: ImageFormat; readonly width: number; readonly height: number }

/** JPEG start-of-frame markers (SOF0–SOF15 but DHT, JPG and DAC): they carry the size. */
const isStartOfFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)

const jpegSize = (b: Buffer): { width: number; height: number } | undefined => {
  let at = 2
  while (at + 9 < b.length) {
    if (b[at] !== 0xff) return undefined
    const marker = b[at + 1] ?? 0
    if (isStartOfFrame(marker)) return { height: b.readUInt16BE(at + 5), width: b.readUInt16BE(at + 7) }
    at += 2 + b.readUInt16BE(at + 2)
  }
  return undefined
}

/**
 * Format and stored size from the header alone, without decoding a pixel (nor EXIF
 * orientation): enough for the in-memory inspector and renderer, which stand in for
 * sharp in fast tests.
 */
export const readImageHeader = (bytes: Buffer): ImageHeader | undefined => {
  const sniffed = sniffImageFormat(bytes)
  if (!sniffed.supported) return undefined
  const size = sniffed.format === 'png'
    ? (bytes.length >= 24 ? { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) } : undefined)
    : jpegSize(bytes)
  return size && size.width > 0 && size.height > 0 ? { format: sniffed.format, ...size } : undefined
}
