import { createSecretKey, hkdfSync, type KeyObject } from 'node:crypto'

/**
 * What a key derived from the configured secrets is for. Each purpose gets its own
 * key (HKDF-SHA256, RFC 5869), so a MAC made for one use can never pass for another
 * and no new secret has to be configured for each.
 */
export type KeyPurpose = 'page-cursor' | 'refresh-successor'

export const deriveKey = (secret: string, purpose: KeyPurpose): KeyObject =>
  createSecretKey(Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), 'imgtier', `imgtier/${purpose}/v1`, 32)))
