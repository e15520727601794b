import 'reflect-metadata'
import { Container } from 'inversify'
import type { Logger } from 'pino'
import { makeSingleFlight } from '../application/single-flight'
import type { RenderSingleFlight } from '../application/render-once'
import type { BlobStorage, ImageInspector, ThumbnailRenderer } from '../application/ports/blobs'
import type { ImageRepository, RefreshTokenRepository, RenderClaims, TierRepository, UserRepository } from '../application/ports/repositories'
import type { Clock, Hasher, IdGenerator } from '../application/ports/runtime'
import type { AccessTokens, LinkSigner, OpaqueTokens, PasswordHasher } from '../application/ports/security'
import { authenticate } from '../application/use-cases/authenticate'
import { deleteImage } from '../application/use-cases/delete-image'
import { createExpiringLink, openExpiringLink } from '../application/use-cases/expiring-links'
import { getImage } from '../application/use-cases/get-image'
import { getOriginal, getThumbnail } from '../application/use-cases/get-image-bytes'
import { listImages } from '../application/use-cases/list-images'
import { login } from '../application/use-cases/login'
import { createTier, deleteTier, getTier, listTiers, updateTier } from '../application/use-cases/manage-tiers'
import { createUser, deleteUser, getUser, listUsers, updateUser } from '../application/use-cases/manage-users'
import { refreshSession } from '../application/use-cases/refresh-session'
import { endSession } from '../application/use-cases/sessions'
import { uploadImage } from '../application/use-cases/upload-image'
import { hmacLinkSigner, jwtAccessTokens, randomOpaqueTokens, type LinkKey } from '../adapters/auth'
import type { HttpApi } from '../adapters/http/api'
import type { Database } from '../adapters/persistence'
import {
  objectionImageRepository, objectionRefreshTokenRepository, objectionRenderClaims, objectionTierRepository, objectionUserRepository,
} from '../adapters/persistence'
import { cachingImageRepository, cachingRefreshTokenRepository, cachingTierRepository, cachingUserRepository, type HotCaches } from '../adapters/cache'
import { cryptoHasher, cryptoIdGenerator } from '../adapters/runtime'
import { sharpImageInspector } from '../adapters/thumbnails/sharp-image-inspector'
import type { Config } from './config'
import { TOKENS } from './tokens'

/** Everything a use-case may ask for; each factory takes the slice it names. */
export interface UseCaseDeps {
  readonly tiers: TierRepository
  readonly users: UserRepository
  readonly images: ImageRepository
  readonly refreshTokens: RefreshTokenRepository
  readonly originals: BlobStorage
  readonly thumbnails: BlobStorage
  readonly inspector: ImageInspector
  readonly renderer: ThumbnailRenderer
  readonly renderOnce: RenderSingleFlight
  readonly claims: RenderClaims
  readonly accessTokens: AccessTokens
  readonly passwords: PasswordHasher
  readonly opaqueTokens: OpaqueTokens
  readonly signer: LinkSigner
  readonly clock: Clock
  readonly ids: IdGenerator
  readonly hasher: Hasher
  readonly delivery: Config['delivery']
  readonly limits: { readonly maxBytes: number; readonly maxPixels: number }
  readonly refreshTtlSeconds: number
}

/** What start-up built before the container: resources that need I/O to exist. */
export interface Resources {
  readonly config: Config
  readonly logger: Logger
  readonly clock: Clock
  readonly database: Database
  readonly originals: BlobStorage
  readonly thumbnails: BlobStorage
  readonly renderer: ThumbnailRenderer
  readonly passwords: PasswordHasher
  readonly secrets: { readonly jwtSecret: string; readonly linkKeys: readonly LinkKey[] }
  /** The repositories read through these and announce their writes to them (bootstrap/caches.ts). */
  readonly caches: HotCaches
}

/**
 * The one composition root: every port bound to its adapter, every use-case to its
 * dependencies. Nothing outside bootstrap/ knows inversify exists.
 */
export const buildContainer = (r: Resources): Container => {
  const c = new Container({ defaultScope: 'Singleton' })
  c.bind(TOKENS.config).toConstantValue(r.config)
  c.bind(TOKENS.logger).toConstantValue(r.logger)
  c.bind(TOKENS.clock).toConstantValue(r.clock)
  c.bind(TOKENS.database).toConstantValue(r.database)
  c.bind(TOKENS.originals).toConstantValue(r.originals)
  c.bind(TOKENS.thumbnails).toConstantValue(r.thumbnails)
  c.bind(TOKENS.renderer).toConstantValue(r.renderer)
  c.bind(TOKENS.passwordHasher).toConstantValue(r.passwords)
  c.bind(TOKENS.ids).toConstantValue(cryptoIdGenerator())
  c.bind(TOKENS.hasher).toConstantValue(cryptoHasher())
  c.bind(TOKENS.inspector).toConstantValue(sharpImageInspector())
  c.bind(TOKENS.opaqueTokens).toConstantValue(randomOpaqueTokens())
  c.bind(TOKENS.linkSigner).toConstantValue(hmacLinkSigner({ keys: r.secrets.linkKeys }))
  c.bind(TOKENS.accessTokens).toResolvedValue(
    (clock: Clock) => jwtAccessTokens({ secret: r.secrets.jwtSecret, ttlSeconds: r.config.accessTokenTtlSeconds, clock }),
    [TOKENS.clock],
  )
  c.bind(TOKENS.tiers).toResolvedValue((db: Database) => cachingTierRepository(objectionTierRepository(db.knex), r.caches), [TOKENS.database])
  c.bind(TOKENS.users).toResolvedValue((db: Database) => cachingUserRepository(objectionUserRepository(db.knex), r.caches), [TOKENS.database])
  c.bind(TOKENS.images).toResolvedValue((db: Database) => cachingImageRepository(objectionImageRepository(db.knex), r.caches), [TOKENS.database])
  c.bind(TOKENS.refreshTokens).toResolvedValue(
    (db: Database) => cachingRefreshTokenRepository(objectionRefreshTokenRepository(db.knex), r.caches), [TOKENS.database])
  c.bind(TOKENS.renderClaims).toResolvedValue((db: Database) => objectionRenderClaims(db.knex), [TOKENS.database])

  c.bind(TOKENS.deps).toResolvedValue(
    (tiers: TierRepository, users: UserRepository, images: ImageRepository, refreshTokens: RefreshTokenRepository,
      originals: BlobStorage, thumbnails: BlobStorage, inspector: ImageInspector, renderer: ThumbnailRenderer,
      accessTokens: AccessTokens, passwords: PasswordHasher, opaqueTokens: OpaqueTokens, signer: LinkSigner,
      clock: Clock, ids: IdGenerator, hasher: Hasher, claims: RenderClaims): UseCaseDeps => ({
      tiers, users, images, refreshTokens, originals, thumbnails, inspector, renderer, accessTokens, passwords,
      opaqueTokens, signer, clock, ids, hasher, claims,
      renderOnce: makeSingleFlight(),
      delivery: r.config.delivery,
      limits: { maxBytes: r.config.maxUploadBytes, maxPixels: r.config.maxPixels },
      refreshTtlSeconds: r.config.refreshTokenTtlSeconds,
    }),
    [TOKENS.tiers, TOKENS.users, TOKENS.images, TOKENS.refreshTokens, TOKENS.originals, TOKENS.thumbnails,
      TOKENS.inspector, TOKENS.renderer, TOKENS.accessTokens, TOKENS.passwordHasher, TOKENS.opaqueTokens,
      TOKENS.linkSigner, TOKENS.clock, TOKENS.ids, TOKENS.hasher, TOKENS.renderClaims],
  )
  c.bind(TOKENS.api).toResolvedValue((d: UseCaseDeps) => httpApi(d), [TOKENS.deps])
  return c
}

const httpApi = (d: UseCaseDeps): HttpApi => ({
  authenticate: authenticate(d),
  login: login(d),
  refreshSession: refreshSession(d),
  endSession: endSession(d),
  uploadImage: uploadImage(d),
  listImages: listImages(d),
  getImage: getImage(d),
  deleteImage: deleteImage(d),
  getThumbnail: getThumbnail(d),
  getOriginal: getOriginal(d),
  createExpiringLink: createExpiringLink(d),
  openExpiringLink: openExpiringLink(d),
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
