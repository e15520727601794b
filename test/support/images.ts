/**
 * Image fixtures, made with sharp at test time so no binary file is committed and
 * every byte of a fixture is explained by the code that made it. Keep them small:
 * the machine is shared.
 */
import { deflateSync } from 'node:zlib'
import sharp, { type Exif, type ExifDir } from 'sharp'

export interface JpegOptions {
  readonly width: number
  readonly height: number
  /** EXIF orientation 1–8; 5–8 swap the displayed width and height. */
  readonly orientation?: number
  /** Add a GPS position, to prove that thumbnails strip it. */
  readonly gps?: boolean
  /** Extra EXIF entries, keyed by IFD (IFD0 = image, IFD2 = Exif, IFD3 = GPS). */
  readonly exif?: Exif
  readonly quality?: number
}

export interface PngOptions {
  readonly width: number
  readonly height: number
  readonly alpha?: boolean
}

/** Paris, in EXIF's degree/minute/second rationals. */
export const GPS_EXIF: ExifDir = {
  GPSLatitudeRef: 'N',
  GPSLatitude: '48/1 51/1 24/1',
  GPSLongitudeRef: 'E',
  GPSLongitude: '2/1 21/1 3/1',
}

/**
 * Pixels whose top-left quadrant is red and the rest blue, so a test can tell
 * whether an image was rotated or flipped, not only resized.
 */
const quadrantPixels = (width: number, height: number, channels: 3 | 4): Buffer => {
  const px = Buffer.alloc(width * height * channels)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels
      const red = x < width / 2 && y < height / 2
      px[i] = red ? 230 : 20
      px[i + 1] = 30
      px[i + 2] = red ? 20 : 220
      if (channels === 4) px[i + 3] = x < width / 2 ? 255 : 96
    }
  }
  return px
}

const raw = (width: number, height: number, channels: 3 | 4) =>
  sharp(quadrantPixels(width, height, channels), { raw: { width, height, channels } })

export const makeJpeg = async (o: JpegOptions): Promise<Buffer> => {
  let img = raw(o.width, o.height, 3).jpeg({ quality: o.quality ?? 80 })
  const exif: Exif = { ...o.exif, ...(o.gps ? { IFD3: { ...o.exif?.IFD3, ...GPS_EXIF } } : {}) }
  if (Object.keys(exif).length > 0) img = img.withExif(exif)
  // Orientation last: libvips rewrites the Orientation tag itself, so a value inside
  // withExif is overwritten; withMetadata is the one that sticks.
  if (o.orientation !== undefined) img = img.withMetadata({ orientation: o.orientation })
  return img.toBuffer()
}

export const makePng = (o: PngOptions): Promise<Buffer> => raw(o.width, o.height, o.alpha ? 4 : 3).png().toBuffer()

/** Stored 60×40, displayed 40×60: EXIF orientation 6 (rotate 90° clockwise). */
export const jpegOrientation6 = (): Promise<Buffer> => makeJpeg({ width: 60, height: 40, orientation: 6 })

/** A JPEG that says where it was taken (and who made the camera). */
export const jpegWithGps = (): Promise<Buffer> =>
  makeJpeg({ width: 48, height: 32, gps: true, exif: { IFD0: { Make: 'Acme', Model: 'Spyglass' } } })

/** The first `fraction` of the bytes: what an interrupted upload leaves. */
export const truncated = (buf: Buffer, fraction = 0.6): Buffer => Buffer.from(buf.subarray(0, Math.floor(buf.length * fraction)))

// --- hand-made PNGs -------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

export const crc32 = (bytes: Buffer): number => {
  let c = 0xffffffff
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

export const pngChunk = (type: string, data: Buffer): Buffer => {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(typeAndData))
  return Buffer.concat([len, typeAndData, crc])
}

const ihdr = (width: number, height: number): Buffer => {
  const d = Buffer.alloc(13)
  d.writeUInt32BE(width, 0)
  d.writeUInt32BE(height, 4)
  d[8] = 8 // bit depth
  d[9] = 2 // colour type: RGB
  return d // compression, filter, interlace: 0
}

/**
 * A few hundred bytes declaring 30000×30000 (900 megapixels): the header alone must
 * get it refused, before a decoder allocates anything. Every CRC is valid, so only
 * the pixel-count check can stop it.
 */
export const decompressionBombPng = (width = 30_000, height = 30_000): Buffer =>
  Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr(width, height)),
    // Two rows of zeros: the rest of the image is "missing", which only a decode would notice.
    pngChunk('IDAT', deflateSync(Buffer.alloc(2 * (width * 3 + 1)), { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ])

const findChunk = (png: Buffer, type: string): number => {
  let at = PNG_SIGNATURE.length
  while (at + 8 <= png.length) {
    const len = png.readUInt32BE(at)
    if (png.toString('latin1', at + 4, at + 8) === type) return at
    at += 12 + len
  }
  throw new Error(`no ${type} chunk`)
}

/** A real PNG whose IDAT has one flipped byte, so its CRC no longer matches. */
export const pngWithBadCrc = async (): Promise<Buffer> => {
  const png = Buffer.from(await makePng({ width: 32, height: 24 }))
  const at = findChunk(png, 'IDAT')
  png[at + 8 + 2] ^= 0xff
  return png
}

// --- hand-patched JPEG ----------------------------------------------------------

/** A small real JPEG whose SOF header claims 65000×65000 (4.2 gigapixels). */
export const jpegBomb = async (width = 65_000, height = 65_000): Promise<Buffer> => {
  const jpeg = Buffer.from(await makeJpeg({ width: 16, height: 16 }))
  for (let i = 2; i + 9 < jpeg.length; i++) {
    // SOF0..SOF3 (baseline, extended, progressive, lossless): FF C0..C3, len(2), precision(1), height(2), width(2)
    if (jpeg[i] === 0xff && jpeg[i + 1] >= 0xc0 && jpeg[i + 1] <= 0xc3) {
      jpeg.writeUInt16BE(height, i + 5)
      jpeg.writeUInt16BE(width, i + 7)
      return jpeg
    }
  }
  throw new Error('no SOF marker in the JPEG sharp made')
}

// --- what must be refused with 415 ----------------------------------------------

/** A 2×1 24-bit BMP, by hand: sharp does not write BMP. */
const bmp = (): Buffer => {
  const rowBytes = 8 // 2 pixels × 3 bytes, padded to 4
  const header = Buffer.alloc(54)
  header.write('BM', 0, 'latin1')
  header.writeUInt32LE(54 + rowBytes, 2)
  header.writeUInt32LE(54, 10)
  header.writeUInt32LE(40, 14)
  header.writeInt32LE(2, 18)
  header.writeInt32LE(1, 22)
  header.writeUInt16LE(1, 26)
  header.writeUInt16LE(24, 28)
  header.writeUInt32LE(rowBytes, 34)
  return Buffer.concat([header, Buffer.from([0, 0, 255, 255, 0, 0, 0, 0])])
}

/** An ISO-BMFF `ftyp` box as HEIC, AVIF and MP4 start. */
const heicLike = (): Buffer => {
  const box = Buffer.alloc(24)
  box.writeUInt32BE(24, 0)
  box.write('ftypheic', 4, 'latin1')
  box.write('mif1heic', 16, 'latin1')
  return Buffer.concat([box, Buffer.alloc(64)])
}

export interface UnsupportedSample {
  readonly name: string
  readonly bytes: Buffer
  /** What domain/image-format.ts `sniffImageFormat` reports for it. */
  readonly detected: string
}

/** One sample of every non-JPEG/PNG input the API must answer with 415. */
export const unsupportedSamples = async (): Promise<readonly UnsupportedSample[]> => {
  const tiny = () => raw(4, 4, 3)
  const jpeg = await makeJpeg({ width: 8, height: 8 })
  const gif = await tiny().gif().toBuffer()
  return [
    { name: 'gif', bytes: gif, detected: 'gif' },
    { name: 'bmp', bytes: bmp(), detected: 'bmp' },
    { name: 'tiff', bytes: await tiny().tiff().toBuffer(), detected: 'tiff' },
    { name: 'webp', bytes: await tiny().webp().toBuffer(), detected: 'webp' },
    {
      name: 'svg',
      bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'),
      detected: 'svg/xml',
    },
    { name: 'svg with xml prolog', bytes: Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'), detected: 'svg/xml' },
    { name: 'pdf', bytes: Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n'), detected: 'pdf' },
    { name: 'heic', bytes: heicLike(), detected: 'heif/avif/mp4' },
    { name: 'text', bytes: Buffer.from('hello, this is not an image\n'), detected: 'unknown' },
    { name: 'empty-ish', bytes: Buffer.from([0x00]), detected: 'unknown' },
    // A GIF that carries a whole JPEG after its header: the first bytes decide, and they say GIF.
    { name: 'gif/jpeg polyglot', bytes: Buffer.concat([gif.subarray(0, 13), jpeg]), detected: 'gif' },
  ]
}

/** Starts like a JPEG, then is not one: must be refused as unreadable (422), not 415. */
export const jpegHeaderThenGarbage = (): Buffer =>
  Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('definitely not entropy-coded data'.repeat(8))])

/** Starts like a PNG, then is not one. */
export const pngSignatureThenGarbage = (): Buffer => Buffer.concat([PNG_SIGNATURE, Buffer.from('nothing to see here'.repeat(8))])

// --- photo-like inputs (benchmarks, memory tests) --------------------------------

export interface GrainyJpegOptions {
  readonly width: number
  readonly height: number
  /** Size of the noise's grain in pixels: larger compresses better (8 gives ~300 KB at 1920×1080). */
  readonly grain?: number
  readonly quality?: number
}

/**
 * A JPEG that costs what a photo costs to decode: gaussian noise made at 1/grain of
 * the size and scaled up, so the entropy (and the file size) is that of a real
 * picture rather than of the flat quadrants above, which compress to almost nothing.
 */
export const makeGrainyJpeg = async (o: GrainyJpegOptions): Promise<Buffer> => {
  const grain = o.grain ?? 8
  const small = await sharp({
    create: { width: Math.ceil(o.width / grain), height: Math.ceil(o.height / grain), channels: 3, background: '#5080b0', noise: { type: 'gaussian', mean: 128, sigma: 30 } },
  }).raw().toBuffer({ resolveWithObject: true })
  return sharp(small.data, { raw: small.info }).resize(o.width, o.height, { kernel: 'cubic' }).jpeg({ quality: o.quality ?? 80 }).toBuffer()
}
