// Expected failures are data, never exceptions (STYLE.md). Each carries a `_tag`
// that adapters/http/problem.ts maps to exactly one status and stable code.

export type ImageNotFound = { readonly _tag: 'ImageNotFound' }
export type TierNotFound = { readonly _tag: 'TierNotFound' }
export type UserNotFound = { readonly _tag: 'UserNotFound' }
export type TierForbidsSize = { readonly _tag: 'TierForbidsSize'; readonly height: number; readonly allowed: readonly number[] }
export type TierForbidsOriginal = { readonly _tag: 'TierForbidsOriginal' }
export type TierForbidsExpiringLinks = { readonly _tag: 'TierForbidsExpiringLinks' }
export type InvalidHeight = { readonly _tag: 'InvalidHeight'; readonly raw: string }
export type InvalidExpiry = { readonly _tag: 'InvalidExpiry'; readonly min: number; readonly max: number }
export type FileRequired = { readonly _tag: 'FileRequired' }
export type FileTooLarge = { readonly _tag: 'FileTooLarge'; readonly maxBytes: number }
export type UnsupportedImageFormat = { readonly _tag: 'UnsupportedImageFormat'; readonly detected?: string }
export type ImageUnreadable = { readonly _tag: 'ImageUnreadable'; readonly reason: string }
export type ImageTooManyPixels = { readonly _tag: 'ImageTooManyPixels'; readonly pixels: number; readonly maxPixels: number }
export type InvalidImageName = { readonly _tag: 'InvalidImageName'; readonly reason: string }
export type InvalidCredentials = { readonly _tag: 'InvalidCredentials' }
export type Unauthorized = { readonly _tag: 'Unauthorized'; readonly reason: string }
export type AdminOnly = { readonly _tag: 'AdminOnly' }
export type ReadOnlyAdmin = { readonly _tag: 'ReadOnlyAdmin' }
export type TierNameTaken = { readonly _tag: 'TierNameTaken'; readonly name: string }
export type TierInUse = { readonly _tag: 'TierInUse'; readonly users: number }
export type UsernameTaken = { readonly _tag: 'UsernameTaken'; readonly username: string }
export type InvalidTier = { readonly _tag: 'InvalidTier'; readonly problems: readonly string[] }
export type CannotChangeOwnAccount = { readonly _tag: 'CannotChangeOwnAccount'; readonly reason: string }
export type LinkInvalid = { readonly _tag: 'LinkInvalid' }
export type LinkExpired = { readonly _tag: 'LinkExpired'; readonly expiredAt: Date }
export type LinkNotFound = { readonly _tag: 'LinkNotFound' }
export type LinkRevoked = { readonly _tag: 'LinkRevoked' }
export type InvalidCursor = { readonly _tag: 'InvalidCursor' }
export type RefreshTokenInvalid = { readonly _tag: 'RefreshTokenInvalid' }

/** A blob that should exist does not (storage adapters agree on this shape). */
export type BlobNotFound = { readonly _tag: 'BlobNotFound'; readonly key: string }
/** The infrastructure failed (disk, network, database): 5xx, never shown in detail. */
export type InfrastructureFailure = { readonly _tag: 'InfrastructureFailure'; readonly cause: unknown; readonly what: string }
/** The thumbnail renderer failed or timed out (e.g. a Lambda error): 502 / 503. */
export type RenderFailed = { readonly _tag: 'RenderFailed'; readonly reason: string; readonly timedOut: boolean }

export const infrastructureFailure = (what: string) => (cause: unknown): InfrastructureFailure =>
  ({ _tag: 'InfrastructureFailure', what, cause })

/** A tier named in a request body (a user's tierId) that does not exist: a 400, not a 404. */
export type UnknownTier = { readonly _tag: 'UnknownTier'; readonly tierId: string }
