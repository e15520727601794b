import type * as E from 'fp-ts/Either'
import type * as O from 'fp-ts/Option'
import type * as T from 'fp-ts/Task'
import type { LinkInvalid, Unauthorized } from '../../domain/errors'
import type { Role } from '../../domain/user'
import type { Variant } from '../../domain/variant'

export interface AccessClaims {
  readonly userId: string
  readonly role: Role
  /** Must equal the user's current sessionVersion, or the token is dead. */
  readonly sessionVersion: number
  /** The login session (refresh-token family) it belongs to: ending that session ends the token. */
  readonly sessionId: string
}

/** Short-lived access tokens (JWT, HS256 pinned). */
export interface AccessTokens {
  issue(claims: AccessClaims): { readonly token: string; readonly expiresIn: number }
  verify(token: string): E.Either<Unauthorized, AccessClaims>
}

export interface PasswordHasher {
  hash(password: string): T.Task<string>
  /** Constant-time; false for a malformed hash rather than a throw. */
  verify(password: string, hash: string): T.Task<boolean>
}

/** Opaque random tokens (refresh tokens) and the digest under which they are stored. */
export interface OpaqueTokens {
  generate(): { readonly token: string; readonly digest: string }
  /**
   * The token that succeeds `token` on rotation: as unguessable as a random one without
   * the server's key, yet the same every time it is asked for, so two concurrent
   * rotations of one token agree on their successor though only digests are stored.
   */
  successor(token: string): { readonly token: string; readonly digest: string }
  digest(token: string): string
}

export interface LinkClaims {
  readonly imageId: string
  readonly variant: Variant
  readonly expiresAt: Date
}

/** Signs and verifies expiring-link capabilities (HMAC-SHA256, key rotation). */
export interface LinkSigner {
  sign(claims: LinkClaims): string
  /** Signature and shape only: expiry and revocation are the use-case's to judge. */
  verify(token: string): E.Either<LinkInvalid, LinkClaims>
}

/**
 * Seals the positions of keyset pages into opaque cursors a client can only hand back:
 * a forged or altered cursor does not open (HMAC-SHA256, constant-time compare).
 */
export interface CursorSealer {
  seal(payload: string): string
  /** The sealed payload; none for anything this server did not seal. */
  open(cursor: string): O.Option<string>
}
