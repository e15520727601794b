import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import path from 'node:path'
import { LinkKeysFromString, parseLinkKeys, type LinkKey } from '../adapters/auth'
import { DEFAULT_RATE_LIMIT_POLICY, type RateLimitPolicy, type RateLimitRule } from '../adapters/rate-limit'
import { fieldProblems } from '../adapters/http/decode'
import { boolFromEnv, intFromEnv, listFromEnv, nonEmpty, oneOf, urlFromEnv } from './env-codecs'
import { unknownVariableProblems } from './unknown-env'

const MiB = 1024 * 1024

/** `points/seconds`, e.g. `10/60`: ten requests a minute. */
const rateRuleFromEnv = new t.Type<RateLimitRule, string, unknown>(
  'points/seconds',
  (u): u is RateLimitRule => typeof u === 'object' && u !== null && 'points' in u && 'durationSeconds' in u,
  (u, c) => {
    const m = typeof u === 'string' ? /^\s*([1-9][0-9]{0,8})\s*\/\s*([1-9][0-9]{0,6})\s*$/.exec(u) : null
    return m ? t.success({ points: Number(m[1]), durationSeconds: Number(m[2]) }) : t.failure(u, c, 'must be points/seconds, e.g. 10/60')
  },
  (r) => `${r.points}/${r.durationSeconds}`,
)

/**
 * Every setting, from the environment (names are part of the contract, DESIGN.md §4).
 * Absent variables take the defaults below; a present but bad one stops the process.
 */
const Env = t.partial({
  PORT: intFromEnv(0, 65535),
  HOST: nonEmpty,
  NODE_ENV: t.string,
  DATABASE_URL: nonEmpty,
  IMGTIER_MIGRATE: boolFromEnv,
  IMGTIER_DATA_DIR: nonEmpty,
  IMGTIER_PUBLIC_URL: urlFromEnv,
  IMGTIER_ADMIN_USERNAME: nonEmpty,
  IMGTIER_ADMIN_PASSWORD: nonEmpty,
  IMGTIER_STORAGE: oneOf('fs', 's3'),
  IMGTIER_S3_CREATE_BUCKETS: boolFromEnv,
  IMGTIER_S3_ENDPOINT: urlFromEnv,
  IMGTIER_S3_PUBLIC_ENDPOINT: urlFromEnv,
  IMGTIER_S3_REGION: nonEmpty,
  IMGTIER_S3_BUCKET: nonEmpty,
  IMGTIER_S3_THUMBNAIL_BUCKET: nonEmpty,
  IMGTIER_S3_FORCE_PATH_STYLE: boolFromEnv,
  IMGTIER_THUMBNAIL_EXPIRY_DAYS: intFromEnv(1, 3650),
  IMGTIER_DELIVERY: oneOf('proxy', 'redirect'),
  IMGTIER_THUMBNAILER: oneOf('inprocess', 'lambda'),
  IMGTIER_LAMBDA_FUNCTION: nonEmpty,
  IMGTIER_LAMBDA_ENDPOINT: urlFromEnv,
  IMGTIER_LAMBDA_TIMEOUT_MS: intFromEnv(100, 900_000),
  IMGTIER_JWT_SECRET: nonEmpty,
  IMGTIER_LINK_KEYS: LinkKeysFromString,
  IMGTIER_ACCESS_TOKEN_TTL: intFromEnv(60, 86_400),
  IMGTIER_REFRESH_TOKEN_TTL: intFromEnv(300, 90 * 86_400),
  IMGTIER_MAX_UPLOAD_BYTES: intFromEnv(1, 1024 * MiB),
  IMGTIER_MAX_PIXELS: intFromEnv(1, 1_000_000_000),
  IMGTIER_RATE_LIMITS: oneOf('on', 'off'),
  IMGTIER_RATE_LIMIT_STORE: oneOf('memory', 'postgres'),
  IMGTIER_RATE_LIMIT_LOGIN: rateRuleFromEnv,
  IMGTIER_RATE_LIMIT_LOGIN_IP: rateRuleFromEnv,
  IMGTIER_RATE_LIMIT_UPLOAD: rateRuleFromEnv,
  IMGTIER_RATE_LIMIT_LINK: rateRuleFromEnv,
  IMGTIER_RATE_LIMIT_READ: rateRuleFromEnv,
  IMGTIER_HEADERS_TIMEOUT_MS: intFromEnv(100, 600_000),
  IMGTIER_REQUEST_TIMEOUT_MS: intFromEnv(100, 3_600_000),
  IMGTIER_CORS_ORIGINS: listFromEnv,
  IMGTIER_TRUST_PROXY: boolFromEnv,
  IMGTIER_METRICS_TOKEN: nonEmpty,
  IMGTIER_ACCESS_LOG: oneOf('on', 'off'),
  IMGTIER_CACHE_TTL_MS: intFromEnv(0, 3_600_000),
  IMGTIER_THUMBNAIL_CACHE_BYTES: intFromEnv(0, 64 * 1024 * MiB),
  IMGTIER_SHUTDOWN_GRACE_MS: intFromEnv(0, 600_000),
  IMGTIER_STARTUP_TIMEOUT_MS: intFromEnv(0, 600_000),
  LOG_LEVEL: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
})

export interface S3Config {
  readonly endpoint?: string
  readonly publicEndpoint?: string
  readonly region: string
  readonly bucket: string
  /** A bucket of its own (a cache a lifecycle rule may expire); unset: a prefix of the originals' bucket. */
  readonly thumbnailBucket?: string
  readonly forcePathStyle: boolean
  readonly createBuckets: boolean
  readonly thumbnailExpiryDays: number
}

export interface Config {
  readonly production: boolean
  readonly port: number
  readonly host: string
  readonly publicUrl: string
  readonly databaseUrl?: string
  readonly migrateOnStart: boolean
  readonly dataDir: string
  readonly admin?: { readonly username: string; readonly password: string }
  readonly storage: 'fs' | 's3'
  readonly s3: S3Config
  readonly delivery: 'proxy' | 'redirect'
  readonly thumbnailer: { readonly kind: 'inprocess' } | { readonly kind: 'lambda'; readonly functionName: string; readonly endpoint?: string; readonly region: string; readonly timeoutMs: number }
  /** Unset in development: generated once into the data dir (bootstrap/dev-secrets.ts). */
  readonly jwtSecret?: string
  readonly linkKeys?: readonly LinkKey[]
  readonly accessTokenTtlSeconds: number
  readonly refreshTokenTtlSeconds: number
  readonly maxUploadBytes: number
  readonly maxPixels: number
  readonly rateLimits: { readonly enabled: boolean; readonly store: 'memory' | 'postgres'; readonly policy: RateLimitPolicy }
  /** Slow clients (slow-loris): headers must arrive within `headersMs`, the whole request within `requestMs`. */
  readonly timeouts: { readonly headersMs: number; readonly requestMs: number }
  readonly corsOrigins: readonly string[]
  readonly trustProxy: boolean
  readonly metricsToken?: string
  readonly logLevel: string
  /** One `info` line per request. */
  readonly accessLog: boolean
  /** Longest trust in a cached principal or image entry (DESIGN.md §2, hot-path caches). */
  readonly cacheTtlMs: number
  /** In-memory cache of rendered thumbnails; 0 turns it off. */
  readonly thumbnailCacheBytes: number
  /** On SIGTERM, how long requests in flight may take to finish. */
  readonly shutdownGraceMs: number
  /** How long start-up retries an unreachable database or S3 before giving up. */
  readonly startupTimeoutMs: number
}

/** Every variable the process reads; any other `IMGTIER_*` name is a misspelling. */
export const KNOWN_VARIABLES: ReadonlySet<string> = new Set(Object.keys(Env.props))

/** Blank variables count as unset: `FOO=` in a .env file means "use the default". */
const present = (env: NodeJS.ProcessEnv): Record<string, string> =>
  Object.fromEntries(Object.entries(env).filter((kv): kv is [string, string] => kv[1] !== undefined && kv[1].trim() !== ''))

export const loadConfig = (env: NodeJS.ProcessEnv): E.Either<readonly string[], Config> => {
  const raw = present(env)
  const production = raw.NODE_ENV === 'production'
  const decoded = Env.decode(raw)
  const unknown = unknownVariableProblems(raw, KNOWN_VARIABLES)
  // Every problem at once: a bad value elsewhere must not hide a weak production secret or a typo.
  if (E.isLeft(decoded)) {
    return E.left([...fieldProblems(decoded.left).map((p) => `${p.path}: ${p.message}`), ...unknown, ...(production ? productionProblems(raw) : [])])
  }
  const v = decoded.right
  const port = v.PORT ?? 8000
  const problems: string[] = [...unknown]
  if ((v.IMGTIER_ADMIN_USERNAME === undefined) !== (v.IMGTIER_ADMIN_PASSWORD === undefined)) {
    problems.push('IMGTIER_ADMIN_USERNAME and IMGTIER_ADMIN_PASSWORD go together: set both or neither')
  }
  if (v.IMGTIER_STORAGE === 's3' && v.IMGTIER_S3_BUCKET === undefined) problems.push('IMGTIER_S3_BUCKET: required when IMGTIER_STORAGE=s3')
  if (v.IMGTIER_DELIVERY === 'redirect' && v.IMGTIER_STORAGE !== 's3') problems.push('IMGTIER_DELIVERY=redirect needs IMGTIER_STORAGE=s3 (the filesystem cannot presign URLs)')
  if (v.IMGTIER_THUMBNAILER === 'lambda' && v.IMGTIER_LAMBDA_FUNCTION === undefined) problems.push('IMGTIER_LAMBDA_FUNCTION: required when IMGTIER_THUMBNAILER=lambda')
  if (v.IMGTIER_THUMBNAILER === 'lambda' && v.IMGTIER_STORAGE !== 's3') problems.push('IMGTIER_THUMBNAILER=lambda needs IMGTIER_STORAGE=s3 (the function reads and writes S3)')
  if (v.IMGTIER_RATE_LIMIT_STORE === 'postgres' && v.DATABASE_URL === undefined) problems.push('IMGTIER_RATE_LIMIT_STORE=postgres needs DATABASE_URL (embedded PGlite serves one process)')
  const headersMs = v.IMGTIER_HEADERS_TIMEOUT_MS ?? 20_000
  const requestMs = v.IMGTIER_REQUEST_TIMEOUT_MS ?? 120_000
  // Node refuses to create a server whose header timeout exceeds its request timeout.
  if (headersMs > requestMs) problems.push('IMGTIER_HEADERS_TIMEOUT_MS must not exceed IMGTIER_REQUEST_TIMEOUT_MS')
  if (production) problems.push(...productionProblems(raw))
  if (problems.length > 0) return E.left(problems)
  const region = v.IMGTIER_S3_REGION ?? env.AWS_REGION ?? 'us-east-1'
  return E.right({
    production,
    port,
    host: v.HOST ?? '0.0.0.0',
    publicUrl: v.IMGTIER_PUBLIC_URL ?? `http://localhost:${port}`,
    databaseUrl: v.DATABASE_URL,
    migrateOnStart: v.IMGTIER_MIGRATE ?? true,
    dataDir: path.resolve(v.IMGTIER_DATA_DIR ?? './var'),
    admin: v.IMGTIER_ADMIN_USERNAME !== undefined && v.IMGTIER_ADMIN_PASSWORD !== undefined
      ? { username: v.IMGTIER_ADMIN_USERNAME, password: v.IMGTIER_ADMIN_PASSWORD }
      : undefined,
    storage: v.IMGTIER_STORAGE ?? 'fs',
    s3: {
      endpoint: v.IMGTIER_S3_ENDPOINT,
      publicEndpoint: v.IMGTIER_S3_PUBLIC_ENDPOINT,
      region,
      bucket: v.IMGTIER_S3_BUCKET ?? 'imgtier',
      thumbnailBucket: v.IMGTIER_S3_THUMBNAIL_BUCKET,
      forcePathStyle: v.IMGTIER_S3_FORCE_PATH_STYLE ?? false,
      createBuckets: v.IMGTIER_S3_CREATE_BUCKETS ?? false,
      thumbnailExpiryDays: v.IMGTIER_THUMBNAIL_EXPIRY_DAYS ?? 7,
    },
    delivery: v.IMGTIER_DELIVERY ?? 'proxy',
    thumbnailer: v.IMGTIER_THUMBNAILER === 'lambda' && v.IMGTIER_LAMBDA_FUNCTION !== undefined
      ? { kind: 'lambda', functionName: v.IMGTIER_LAMBDA_FUNCTION, endpoint: v.IMGTIER_LAMBDA_ENDPOINT, region, timeoutMs: v.IMGTIER_LAMBDA_TIMEOUT_MS ?? 30_000 }
      : { kind: 'inprocess' },
    jwtSecret: v.IMGTIER_JWT_SECRET,
    linkKeys: v.IMGTIER_LINK_KEYS,
    accessTokenTtlSeconds: v.IMGTIER_ACCESS_TOKEN_TTL ?? 900,
    refreshTokenTtlSeconds: v.IMGTIER_REFRESH_TOKEN_TTL ?? 30 * 86_400,
    maxUploadBytes: v.IMGTIER_MAX_UPLOAD_BYTES ?? 20 * MiB,
    maxPixels: v.IMGTIER_MAX_PIXELS ?? 50_000_000,
    rateLimits: {
      enabled: (v.IMGTIER_RATE_LIMITS ?? 'on') === 'on',
      store: v.IMGTIER_RATE_LIMIT_STORE ?? 'memory',
      policy: {
        login: v.IMGTIER_RATE_LIMIT_LOGIN ?? DEFAULT_RATE_LIMIT_POLICY.login,
        loginIp: v.IMGTIER_RATE_LIMIT_LOGIN_IP ?? DEFAULT_RATE_LIMIT_POLICY.loginIp,
        upload: v.IMGTIER_RATE_LIMIT_UPLOAD ?? DEFAULT_RATE_LIMIT_POLICY.upload,
        link: v.IMGTIER_RATE_LIMIT_LINK ?? DEFAULT_RATE_LIMIT_POLICY.link,
        read: v.IMGTIER_RATE_LIMIT_READ ?? DEFAULT_RATE_LIMIT_POLICY.read,
      },
    },
    timeouts: { headersMs, requestMs },
    corsOrigins: v.IMGTIER_CORS_ORIGINS ?? [],
    trustProxy: v.IMGTIER_TRUST_PROXY ?? false,
    metricsToken: v.IMGTIER_METRICS_TOKEN,
    logLevel: v.LOG_LEVEL ?? 'info',
    accessLog: (v.IMGTIER_ACCESS_LOG ?? 'on') === 'on',
    cacheTtlMs: v.IMGTIER_CACHE_TTL_MS ?? 2_000,
    thumbnailCacheBytes: v.IMGTIER_THUMBNAIL_CACHE_BYTES ?? 64 * MiB,
    shutdownGraceMs: v.IMGTIER_SHUTDOWN_GRACE_MS ?? 25_000,
    startupTimeoutMs: v.IMGTIER_STARTUP_TIMEOUT_MS ?? 30_000,
  })
}

const WEAK_SECRETS = new Set(['secret', 'changeme', 'change-me', 'password', 'dev', 'test'])
export const MIN_SECRET_LENGTH = 32

/** Production refuses to start on generated, default or short secrets (judged on the raw strings). */
const productionProblems = (raw: Readonly<Record<string, string>>): string[] => {
  const out: string[] = []
  const jwt = raw.IMGTIER_JWT_SECRET
  if (jwt === undefined) out.push('IMGTIER_JWT_SECRET: required in production')
  else if (jwt.length < MIN_SECRET_LENGTH || WEAK_SECRETS.has(jwt.toLowerCase())) out.push(`IMGTIER_JWT_SECRET: must be at least ${MIN_SECRET_LENGTH} characters and not a default`)
  const keys = raw.IMGTIER_LINK_KEYS === undefined ? undefined : parseLinkKeys(raw.IMGTIER_LINK_KEYS)
  if (keys === undefined) out.push('IMGTIER_LINK_KEYS: required in production (kid:secret,…)')
  else if (E.isRight(keys)) {
    for (const k of keys.right) if (k.secret.length < MIN_SECRET_LENGTH) out.push(`IMGTIER_LINK_KEYS: the secret of key "${k.kid}" must be at least ${MIN_SECRET_LENGTH} characters`)
  }
  if (raw.IMGTIER_PUBLIC_URL === undefined) out.push('IMGTIER_PUBLIC_URL: required in production (links must name the real host)')
  return out
}
