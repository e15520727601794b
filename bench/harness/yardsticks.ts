import sharp from 'sharp'

/** The middle value (the upper one of an even count); NaN for none. */
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

/** Bare sharp: the 200 px render from bytes in memory, no storage, no database. */
export const bareRender = (bytes: Buffer): Promise<Buffer> => sharp(bytes).resize({ height: 200 }).jpeg({ quality: 82 }).toBuffer()

/** What upload validation must do at least: read the header, then decode everything at reduced size. */
export const bareValidate = async (bytes: Buffer): Promise<void> => {
  await sharp(bytes, { limitInputPixels: false }).metadata()
  await sharp(bytes, { failOn: 'error', sequentialRead: true }).resize({ width: 8, height: 8, fit: 'inside' }).raw().toBuffer()
}
