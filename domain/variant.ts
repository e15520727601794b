import * as E from 'fp-ts/Either'
import type { InvalidHeight } from './errors'

/** What a link points at: the original, or the thumbnail of one height. */
export type Variant = { readonly kind: 'original' } | { readonly kind: 'thumbnail'; readonly height: number }

export const ORIGINAL: Variant = { kind: 'original' }
export const thumbnail = (height: number): Variant => ({ kind: 'thumbnail', height })

/** A height from a URL path: digits only, no sign, no leading zero, no decimals. */
export const parseHeight = (raw: string): E.Either<InvalidHeight, number> =>
  /^[1-9][0-9]{0,8}$/.test(raw) ? E.right(Number(raw)) : E.left({ _tag: 'InvalidHeight', raw })

/** The compact form used inside signed tokens: `o` or `t<height>`. */
export const variantToString = (v: Variant): string => (v.kind === 'original' ? 'o' : `t${v.height}`)

export const variantFromString = (s: string): Variant | undefined => {
  if (s === 'o') return ORIGINAL
  const m = /^t([1-9][0-9]{0,8})$/.exec(s)
  return m ? thumbnail(Number(m[1])) : undefined
}
