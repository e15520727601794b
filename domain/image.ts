import * as E from 'fp-ts/Either'
import { characterCount, CONTROL_CHARS, isStorableText, UNSTORABLE_TEXT_MESSAGE } from './codecs'
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

/** Characters as a person counts them closely enough: code points, so an emoji is one, not two UTF-16 units. */
const characters = (s: string): string[] => Array.from(s)

/**
 * The image's name: the given one, else the uploaded file's name without extension.
 * Blank counts as absent. 1–255 characters (code points) after trimming, no control
 * characters. A given name that is too long is refused; a file name is the client
 * software's, not a choice, so a long one is shortened to fit instead.
 */
export const decideImageName = (
  given: string | undefined,
  fileName: string | undefined,
): E.Either<InvalidImageName, string> => {
  const isGiven = given !== undefined && given.trim() !== ''
  const trimmed = (isGiven ? given : stripExtension(fileName ?? '')).trim()
  const name = isGiven ? trimmed : characters(trimmed).slice(0, NAME_MAX).join('').trim()
  if (!isStorableText(name)) return E.left({ _tag: 'InvalidImageName', reason: `name ${UNSTORABLE_TEXT_MESSAGE}` })
  if (CONTROL_CHARS.test(name)) return E.left({ _tag: 'InvalidImageName', reason: 'name must not contain control characters' })
  if (characterCount(name) > NAME_MAX) return E.left({ _tag: 'InvalidImageName', reason: `name must be at most ${NAME_MAX} characters` })
  // A file called ".png" or an unnamed blob still deserves a name a person can read.
  return E.right(name === '' ? 'image' : name)
}
