import type { DeliveryMode } from './delivery'
import type { ImageInspector, OriginalStorage, ThumbnailRenderer, ThumbnailStorage } from './ports/blobs'
import type { ImageRepository, RefreshTokenRepository, RenderClaims, TierRepository, UserRepository } from './ports/repositories'
import type { Clock, Hasher, IdGenerator } from './ports/runtime'
import type { AccessTokens, CursorSealer, LinkSigner, OpaqueTokens, PasswordHasher } from './ports/security'
import type { RenderSingleFlight } from './render-once'
import { makeSingleFlight } from './single-flight'
import { authenticate } from './use-cases/authenticate'
import { deleteImage } from './use-cases/delete-image'
import { purgeDeletedImages } from './use-cases/purge-deleted-images'
import { createExpiringLink } from './use-cases/create-expiring-link'
import { judgeExpiringLink } from './use-cases/judge-expiring-link'
import { openExpiringLink } from './use-cases/open-expiring-link'
import { getImage } from './use-cases/get-image'
import { getOriginal } from './use-cases/get-original'
import { getThumbnail } from './use-cases/get-thumbnail'
import { listImages } from './use-cases/list-images'
import { login } from './use-cases/login'
import { createTier } from './use-cases/create-tier'
import { deleteTier } from './use-cases/delete-tier'
import { getTier } from './use-cases/get-tier'
import { listTiers } from './use-cases/list-tiers'
import { updateTier } from './use-cases/update-tier'
import { createUser } from './use-cases/create-user'
import { deleteUser } from './use-cases/delete-user'
import { getUser } from './use-cases/get-user'
import { listUsers } from './use-cases/list-users'
import { updateUser } from './use-cases/update-user'
import { reconcileBlobs } from './use-cases/reconcile-blobs'
import { refreshSession } from './use-cases/refresh-session'
import { endSession } from './use-cases/end-session'
import { uploadImage, type UploadLimits } from './use-cases/upload-image'
import { warmThumbnails } from './use-cases/warm-thumbnails'

/** Every port the use-cases drive, each by its role: an adapter (or an in-memory fake) per field. */
export interface Ports {
  readonly tiers: TierRepository
  readonly users: UserRepository
  readonly images: ImageRepository
  readonly refreshTokens: RefreshTokenRepository
  readonly claims: RenderClaims
  readonly originals: OriginalStorage
  readonly thumbnails: ThumbnailStorage
  readonly inspector: ImageInspector
  readonly renderer: ThumbnailRenderer
  readonly accessTokens: AccessTokens
  readonly passwords: PasswordHasher
  readonly opaqueTokens: OpaqueTokens
  readonly signer: LinkSigner
  readonly cursors: CursorSealer
  readonly clock: Clock
  readonly ids: IdGenerator
  readonly hasher: Hasher
}

/** The few plain values the use-cases need beside their ports. */
export interface UseCaseSettings {
  readonly delivery: DeliveryMode
  readonly limits: UploadLimits
  readonly refreshTtlSeconds: number
}

/** Everything a use-case may ask for; each factory takes the slice it names. */
export interface UseCaseDeps extends Ports, UseCaseSettings {
  readonly renderOnce: RenderSingleFlight
}

export const DEFAULT_USE_CASE_SETTINGS: UseCaseSettings = {
  delivery: 'proxy',
  limits: { maxBytes: 20 * 1024 * 1024, maxPixels: 50_000_000 },
  refreshTtlSeconds: 30 * 24 * 3600,
}

/** One render flight per set of dependencies: concurrent first requests of a thumbnail share it. */
export const useCaseDeps = (ports: Ports, settings: UseCaseSettings = DEFAULT_USE_CASE_SETTINGS): UseCaseDeps =>
  ({ ...ports, ...settings, renderOnce: makeSingleFlight() })

/**
 * The record of use-cases, each given its dependencies: what an embedder calls and what
 * the HTTP adapter drives. The one list of them; `UseCases` is derived from it.
 */
export const bindUseCases = (d: UseCaseDeps) => ({
  authenticate: authenticate(d),
  login: login(d),
  refreshSession: refreshSession(d),
  endSession: endSession(d),
  uploadImage: uploadImage(d),
  listImages: listImages(d),
  getImage: getImage(d),
  deleteImage: deleteImage(d),
  purgeDeletedImages: purgeDeletedImages(d),
  reconcileBlobs: reconcileBlobs(d),
  getThumbnail: getThumbnail(d),
  getOriginal: getOriginal(d),
  createExpiringLink: createExpiringLink(d),
  openExpiringLink: openExpiringLink(d),
  judgeExpiringLink: judgeExpiringLink(d),
  warmThumbnails: warmThumbnails(d),
  listTiers: listTiers(d),
  getTier: getTier(d),
  createTier: createTier(d),
  updateTier: updateTier(d),
  deleteTier: deleteTier(d),
  listUsers: listUsers(d),
  getUser: getUser(d),
  createUser: createUser(d),
  updateUser: updateUser(d),
  deleteUser: deleteUser(d),
})

export type UseCases = ReturnType<typeof bindUseCases>
