import { createHmac, type KeyObject, timingSafeEqual } from 'node:crypto'
import * as O from 'fp-ts/Option'
import type { CursorSealer } from '../../application/ports/security'

/*
 * Cursor: `<payload>.<mac>`, both base64url. The MAC is HMAC-SHA256 over the payload's
 * bytes under a key of its own (adapters/auth/derived-keys.ts), compared in constant
 * time; the payload is base64url-encoded, so it reads as noise, not as a date.
 */

/** Far above any payload this API seals (direction, ISO time, uuid); junk stops here. */
const MAX_CURSOR_LENGTH = 400
const MAC_BYTES = 32
const B64URL = /^[A-Za-z0-9_-]+$/

export const hmacCursorSealer = ({ key }: { readonly key: KeyObject }): CursorSealer => {
  const macOf = (payload: Buffer): Buffer => createHmac('sha256', key).update(payload).digest()
  return {
    seal: (payload) => {
      const bytes = Buffer.from(payload, 'utf8')
      return `${bytes.toString('base64url')}.${macOf(bytes).toString('base64url')}`
    },
    open: (cursor) => {
      if (cursor.length > MAX_CURSOR_LENGTH) return O.none
      const parts = cursor.split('.')
      if (parts.length !== 2 || !parts.every((p) => B64URL.test(p))) return O.none
      const [payloadText, macText] = parts as [string, string]
      const payload = Buffer.from(payloadText, 'base64url')
      const mac = Buffer.from(macText, 'base64url')
      // One spelling per cursor: base64url decoding ignores stray trailing bits, so a
      // re-encoding that differs means the text was altered.
      if (payload.toString('base64url') !== payloadText || mac.toString('base64url') !== macText) return O.none
      if (mac.length !== MAC_BYTES || !timingSafeEqual(mac, macOf(payload))) return O.none
      return O.some(payload.toString('utf8'))
    },
  }
}
