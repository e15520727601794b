import * as E from 'fp-ts/Either'
import { CONTROL_CHARS, isStorableText, UNSTORABLE_TEXT_MESSAGE } from './codecs'
import type { InvalidImageName } from './errors'

export type ImageFormat = 'jpeg' | 'png'

export interface Image {
  readonly id: string
  readonly ownerId: string
  readonly name: string
  readonly format: ImageFormat
  /** Displayed size: after EXIF orientation. */
  readonly width: number
  readonly height: number
  readonly bytes: number
  readonly sha256: string
  readonly createdAt: Date
}

export const NAME_MAX = 255

export const contentTypeOf = (format: ImageFormat): string => (format === 'jpeg' ? 'image/jpeg' : 'image/png')

/** Where the bytes live: the key is derived, never stored, so rows and blobs cannot disagree. */
export const originalKey = (imageId: string): string => `${imageId}`
export const thumbnailKey = (imageId: string, height: number): string => `${imageId}/${height}`
export const thumbnailPrefix = (imageId: string): string => `${imageId}/`

const stripExtension = (fileName: string): string => {
  const base = fileName.split(/[\\/]/).pop() ?? ''
  const dot = base.lastIndexOf('.')
  return dot > 0 ? base.slice(0, dot) : base
}

/**
 * The image's name: the given one, else the uploaded file's name without extension.
 * Blank counts as absent. 1–255 characters after trimming, no control characters.
 */
export const decideImageName = (
  given: string | undefined,
  fileName: string | undefined,
): E.Either<InvalidImageName, string> => {
  const chosen = given !== undefined && given.trim() !== '' ? given : stripExtension(fileName ?? '')
  const name = chosen.trim()
  if (!isStorableText(name)) return E.left({ _tag: 'InvalidImageName', reason: `name ${UNSTORABLE_TEXT_MESSAGE}` })
  if (CONTROL_CHARS.test(name)) return E.left({ _tag: 'InvalidImageName', reason: 'name must not contain control characters' })
  if (name.length > NAME_MAX) return E.left({ _tag: 'InvalidImageName', reason: `name must be at most ${NAME_MAX} characters` })
  // A file called ".png" or an unnamed blob still deserves a name a person can read.
  return E.right(name === '' ? 'image' : name)
}
