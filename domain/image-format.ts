import type { ImageFormat } from './image'

/**
 * The format decided by the bytes, never by extension or client MIME type.
 * Returns the format for JPEG and PNG, or a label for what was recognised instead
 * (for the problem detail) when it is something else.
 */
export type Sniffed = { readonly supported: true; readonly format: ImageFormat } | { readonly supported: false; readonly detected: string }

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0): boolean =>
  b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v)

const ascii = (b: Uint8Array, from: number, to: number): string => String.fromCharCode(...b.subarray(from, to))

export const sniffImageFormat = (b: Uint8Array): Sniffed => {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return { supported: true, format: 'jpeg' }
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { supported: true, format: 'png' }
  if (startsWith(b, [0x47, 0x49, 0x46, 0x38])) return { supported: false, detected: 'gif' }
  if (startsWith(b, [0x42, 0x4d])) return { supported: false, detected: 'bmp' }
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])) return { supported: false, detected: 'tiff' }
  if (startsWith(b, [0x25, 0x50, 0x44, 0x46])) return { supported: false, detected: 'pdf' }
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return { supported: false, detected: 'webp' }
  if (ascii(b, 4, 8) === 'ftyp') return { supported: false, detected: 'heif/avif/mp4' }
  const head = ascii(b, 0, Math.min(b.length, 256)).trimStart().toLowerCase()
  if (head.startsWith('<?xml') || head.startsWith('<svg')) return { supported: false, detected: 'svg/xml' }
  return { supported: false, detected: 'unknown' }
}
