import type { Logger } from 'pino'
import type { Metrics } from '../metrics'
import type { RateLimiters } from './rate-limit'
import type { authenticate } from '../../application/use-cases/authenticate'
import type { createExpiringLink, openExpiringLink } from '../../application/use-cases/expiring-links'
import type { deleteImage } from '../../application/use-cases/delete-image'
import type { getImage } from '../../application/use-cases/get-image'
import type { getOriginal, getThumbnail } from '../../application/use-cases/get-image-bytes'
import type { listImages } from '../../application/use-cases/list-images'
import type { login } from '../../application/use-cases/login'
import type { createTier, deleteTier, getTier, listTiers, updateTier } from '../../application/use-cases/manage-tiers'
import type { createUser, deleteUser, getUser, listUsers, updateUser } from '../../application/use-cases/manage-users'
import type { refreshSession } from '../../application/use-cases/refresh-session'
import type { endSession } from '../../application/use-cases/sessions'
import type { uploadImage } from '../../application/use-cases/upload-image'

type Bound<F extends (...args: never[]) => unknown> = ReturnType<F>

/** The use-cases the HTTP adapter drives, each already given its dependencies. */
export interface HttpApi {
  readonly authenticate: Bound<typeof authenticate>
  readonly login: Bound<typeof login>
  readonly refreshSession: Bound<typeof refreshSession>
  readonly endSession: Bound<typeof endSession>
  readonly uploadImage: Bound<typeof uploadImage>
  readonly listImages: Bound<typeof listImages>
  readonly getImage: Bound<typeof getImage>
  readonly deleteImage: Bound<typeof deleteImage>
  readonly getThumbnail: Bound<typeof getThumbnail>
  readonly getOriginal: Bound<typeof getOriginal>
  readonly createExpiringLink: Bound<typeof createExpiringLink>
  readonly openExpiringLink: Bound<typeof openExpiringLink>
  readonly listTiers: Bound<typeof listTiers>
  readonly getTier: Bound<typeof getTier>
  readonly createTier: Bound<typeof createTier>
  readonly updateTier: Bound<typeof updateTier>
  readonly deleteTier: Bound<typeof deleteTier>
  readonly listUsers: Bound<typeof listUsers>
  readonly getUser: Bound<typeof getUser>
  readonly createUser: Bound<typeof createUser>
  readonly updateUser: Bound<typeof updateUser>
  readonly deleteUser: Bound<typeof deleteUser>
}

export interface HttpSettings {
  /** Base of every absolute URL in responses, without a trailing slash. */
  readonly publicUrl: string
  readonly maxUploadBytes: number
  /** Cookies get `Secure` in production. */
  readonly secureCookies: boolean
  /** Behind a reverse proxy: take the client IP and protocol from X-Forwarded-* (rate limits key on the IP). */
  readonly trustProxy: boolean
  readonly refreshTtlSeconds: number
  readonly metricsToken?: string
  /** One `info` line per request (IMGTIER_ACCESS_LOG); on unless set false. */
  readonly accessLog?: boolean
  /** Origins allowed by CORS; empty means no cross-origin access. */
  readonly corsOrigins: readonly string[]
}

export interface ReadinessCheck {
  readonly name: string
  readonly check: () => Promise<void>
}

export interface HttpDeps {
  readonly api: HttpApi
  readonly settings: HttpSettings
  readonly readiness: readonly ReadinessCheck[]
  readonly logger: Logger
  /** Absent: no rate limits (IMGTIER_RATE_LIMITS=off). */
  readonly rateLimiters?: RateLimiters
  /** Shared with the port decorators built at start-up; absent: the app makes its own. */
  readonly metrics?: Metrics
}
