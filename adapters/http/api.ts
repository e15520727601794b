import type { Logger } from 'pino'
import type { Metrics } from '../metrics'
import type { RateLimiters } from './rate-limit'
import type { UseCases } from '../../application/bound-use-cases'

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
  /** The use-cases the routes drive, each already given its dependencies (application/bound-use-cases.ts). */
  readonly api: UseCases
  readonly settings: HttpSettings
  readonly readiness: readonly ReadinessCheck[]
  /** True once the server drains (shutdown): readiness fails at once, whatever the checks say. */
  readonly draining?: () => boolean
  readonly logger: Logger
  /** Absent: no rate limits (IMGTIER_RATE_LIMITS=off). */
  readonly rateLimiters?: RateLimiters
  /** Shared with the port decorators built at start-up; absent: the app makes its own. */
  readonly metrics?: Metrics
}
