import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto'
import * as E from 'fp-ts/Either'
import type { LinkClaims, LinkSigner } from '../../application/ports/security'
import type { LinkInvalid } from '../../domain/errors'
import { isUuid } from '../../domain/ids'
import { variantFromString, variantToString } from '../../domain/variant'
import { type LinkKey, linkKeyProblems } from './link-keys'

/*
 * Token: `<kid>.<image uuid>.<variant>.<expiry, unix seconds>.<mac>`, every part
 * URL-safe. The MAC is HMAC-SHA256 over the exact text before it (plus a purpose
 * label, so a secret shared with something else cannot be used to mint links), and
 * it is compared as text: a token has exactly one spelling, so any changed
 * character is a different, unsigned token.
 */

const PURPOSE = 'imgtier-link-v1'
const MAC_LENGTH = 43 // base64url of 32 bytes, unpadded
const MAX_TOKEN_LENGTH = 200
const EXPIRY = /^[1-9][0-9]{0,11}$/

const INVALID: E.Either<LinkInvalid, never> = E.left({ _tag: 'LinkInvalid' })

const macOf = (key: KeyObject, signed: string): string =>
  createHmac('sha256', key).update(`${PURPOSE}.${signed}`, 'utf8').digest('base64url')

const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a, 'utf8')
  const y = Buffer.from(b, 'utf8')
  return x.length === y.length && timingSafeEqual(x, y)
}

export const hmacLinkSigner = ({ keys }: { readonly keys: readonly LinkKey[] }): LinkSigner => {
  const problems = linkKeyProblems(keys)
  if (problems.length > 0) throw new Error(problems.join('; '))
  const byKid = new Map(keys.map((k) => [k.kid, createSecretKey(Buffer.from(k.secret, 'utf8'))]))
  const signing = { kid: keys[0].kid, key: createSecretKey(Buffer.from(keys[0].secret, 'utf8')) }

  return {
    sign: ({ imageId, variant, expiresAt }: LinkClaims) => {
      // Callers pass domain values; anything else is a bug, not a user error.
      if (!isUuid(imageId)) throw new Error(`link for a non-canonical image id: ${imageId}`)
      // Rounded down: a link never outlives what was granted.
      const expiry = Math.floor(expiresAt.getTime() / 1000)
      if (!EXPIRY.test(String(expiry))) throw new Error(`link expiry out of range: ${expiresAt.toISOString()}`)
      const signed = `${signing.kid}.${imageId}.${variantToString(variant)}.${expiry}`
      return `${signed}.${macOf(signing.key, signed)}`
    },

    verify: (token: string) => {
      if (token.length > MAX_TOKEN_LENGTH) return INVALID
      const parts = token.split('.')
      if (parts.length !== 5) return INVALID
      const [kid, imageId, variantText, expiryText, mac] = parts
      const key = byKid.get(kid)
      if (key === undefined || mac.length !== MAC_LENGTH) return INVALID
      const signed = token.slice(0, token.length - MAC_LENGTH - 1)
      if (!sameText(mac, macOf(key, signed))) return INVALID
      // Signed by us, yet still parsed strictly: a bug on the signing side must not
      // turn into a link to something nobody meant.
      const variant = variantFromString(variantText)
      if (!isUuid(imageId) || variant === undefined || variantToString(variant) !== variantText || !EXPIRY.test(expiryText)) {
        return INVALID
      }
      return E.right({ imageId, variant, expiresAt: new Date(Number(expiryText) * 1000) })
    },
  }
}

/** The id of the key a token names (its first part), for operators; says nothing of validity. */
export const linkKeyIdOf = (token: string): string | undefined => {
  const kid = token.split('.')[0]
  return kid === undefined || kid === '' || token.length > MAX_TOKEN_LENGTH ? undefined : kid
}
