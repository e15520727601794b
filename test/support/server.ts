import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import pino from 'pino'
import type { PreparedRender, ThumbnailRenderer } from '../../application/ports/blobs'
import { scryptPasswordHasher } from '../../adapters/auth'
import type { Database } from '../../adapters/persistence'
import { fixedClock, type FixedClock } from '../../adapters/runtime'
import type { CacheOverrides } from '../../bootstrap/caches'
import { loadConfig } from '../../bootstrap/config'
import { createImgtier, type Imgtier } from '../../bootstrap/imgtier'
import { handlerFromEnv } from '../../lambda/handler'
import { freshDatabase } from './database'
import { startLambdaInvokeServer, type LambdaInvokeServer } from './lambda-invoke-server'
import { freshS3, type TestS3 } from './s3'
import { registerApiOrigin } from './openapi-check'
import { reportService } from './services'

/**
 * Where bytes live and who renders thumbnails: `embedded` is the zero-set-up default
 * (filesystem + sharp in-process); `aws` is S3 + the Lambda thumbnailer, driven through
 * the real AWS SDKs against the test S3 and a local Lambda Invoke API.
 */
export type Backend = 'embedded' | 'aws'

export interface TestServer {
  readonly url: string
  readonly backend: Backend
  readonly clock: FixedClock
  readonly imgtier: Imgtier
  readonly database: Database
  readonly admin: { readonly username: string; readonly password: string }
  /** Renders that reached the ThumbnailRenderer port (cache misses). */
  renders(): number
  readonly s3?: TestS3
  readonly lambda?: LambdaInvokeServer
  close(): Promise<void>
}

export interface TestServerOptions {
  readonly backend?: Backend
  /** Extra environment (DESIGN.md §4 names), e.g. IMGTIER_RATE_LIMITS=on. */
  readonly env?: Readonly<Record<string, string>>
  /** Share a database with another server (two instances, one database). */
  readonly database?: Database
  /** Share a data dir (filesystem blobs) with another server; the caller removes it. */
  readonly dataDir?: string
  /** The host name in IMGTIER_PUBLIC_URL (the absolute links), e.g. the browser tests' imgtier.test. */
  readonly publicHost?: string
  /** Where the server logs (silent by default, or TEST_LOG_LEVEL): tests that read the log pass their own. */
  readonly logger?: pino.Logger
  /** Cache knobs no environment variable sets (how long a lost listener stays away). */
  readonly caches?: CacheOverrides
  // With env.DATABASE_URL and no `database`, the server opens (and migrates) its own pool, as a real instance does.
}

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const address = s.address()
      const port = typeof address === 'object' && address ? address.port : 0
      s.close(() => resolve(port))
    })
  })

/** Counts renders through the port: the proof that N concurrent first requests render once. */
const counting = (renderer: ThumbnailRenderer, counter: { n: number }): ThumbnailRenderer => {
  const { prepare } = renderer
  const counted = <L, A>(task: TE.TaskEither<L, A>) => pipe(TE.fromIO(() => { counter.n++ }), TE.chainW(() => task))
  return {
    render: (req) => counted(renderer.render(req)),
    // A prepared render counts when it renders: a lost claim drops it unrendered.
    ...(prepare ? { prepare: (req) => TE.map((p: PreparedRender): PreparedRender => ({ render: () => counted(p.render()) }))(prepare(req)) } : {}),
  }
}

// scrypt at full cost is ~50 ms a hash: the suites create many users, so tests use a cheap cost.
const FAST_PASSWORDS = scryptPasswordHasher({ cost: { N: 1024 } })

/** Starts a real imgtier on a free port, with a fresh database, data dir and (for aws) buckets. */
export const startTestServer = async (opts: TestServerOptions = {}): Promise<TestServer> => {
  const backend = opts.backend ?? 'embedded'
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'imgtier-e2e-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const admin = {
    username: opts.env?.IMGTIER_ADMIN_USERNAME ?? 'admin',
    password: opts.env?.IMGTIER_ADMIN_PASSWORD ?? randomBytes(12).toString('base64url'),
  }
  const aws = backend === 'aws' ? await awsBackend() : undefined
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    IMGTIER_PUBLIC_URL: opts.publicHost ? `http://${opts.publicHost}:${port}` : url,
    IMGTIER_DATA_DIR: dataDir,
    IMGTIER_ADMIN_USERNAME: admin.username,
    IMGTIER_ADMIN_PASSWORD: admin.password,
    IMGTIER_JWT_SECRET: randomBytes(32).toString('base64url'),
    IMGTIER_LINK_KEYS: `k1:${randomBytes(32).toString('base64url')}`,
    IMGTIER_RATE_LIMITS: 'off',
    // close() drains: a test that leaves a request hanging should not wait the production 25 s.
    IMGTIER_SHUTDOWN_GRACE_MS: '2000',
    LOG_LEVEL: 'silent',
    ...(aws?.env ?? {}),
    ...(opts.env ?? {}),
  }
  const config = loadConfig(env)
  if (E.isLeft(config)) throw new Error(`test config: ${config.left.join('; ')}`)
  const ownPool = opts.database === undefined && opts.env?.DATABASE_URL !== undefined
  const database = opts.database ?? (ownPool ? undefined : await freshDatabase())
  const clock = fixedClock(new Date('2026-01-15T12:00:00.000Z'))
  const counter = { n: 0 }
  const imgtier = await createImgtier(config.right, {
    clock,
    ...(database ? { database } : {}),
    passwords: FAST_PASSWORDS,
    wrapRenderer: (r) => counting(r, counter),
    logger: opts.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    ...(opts.caches ? { caches: opts.caches } : {}),
  })
  await imgtier.listen(port, '127.0.0.1')
  registerApiOrigin(url)
  return {
    url, backend, clock, imgtier, database: imgtier.database, admin,
    renders: () => counter.n,
    s3: aws?.s3,
    lambda: aws?.lambda,
    close: async () => {
      await imgtier.close()
      if (!opts.database) await database?.close()
      await aws?.close()
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** S3 buckets of its own and a local Lambda Invoke API running lambda/handler.ts against them. */
const awsBackend = async () => {
  const s3 = await freshS3()
  const [bucket, thumbnailBucket] = [await s3.makeBucket(), await s3.makeBucket()]
  // The SDKs read credentials from their usual chain: the environment, here.
  process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId
  process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey
  const storageEnv = {
    IMGTIER_STORAGE: 's3',
    IMGTIER_S3_ENDPOINT: s3.endpoint,
    IMGTIER_S3_REGION: s3.region,
    IMGTIER_S3_BUCKET: bucket,
    IMGTIER_S3_THUMBNAIL_BUCKET: thumbnailBucket,
    IMGTIER_S3_FORCE_PATH_STYLE: 'true',
  }
  const lambda = await startLambdaInvokeServer(handlerFromEnv({
    ...storageEnv,
    AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
  }))
  reportService('lambda', 'local Lambda Invoke API (test/support/lambda-invoke-server.ts) running lambda/handler.ts')
  return {
    s3,
    lambda,
    env: {
      ...storageEnv,
      IMGTIER_THUMBNAILER: 'lambda',
      IMGTIER_LAMBDA_FUNCTION: lambda.functionName,
      IMGTIER_LAMBDA_ENDPOINT: lambda.endpoint,
      IMGTIER_LAMBDA_TIMEOUT_MS: '5000',
    },
    close: async () => {
      await lambda.close()
      await s3.close()
    },
  }
}

/** The backends the e2e suite runs on: both, always (S3 falls back to an in-process server). */
export const E2E_BACKENDS: readonly Backend[] = ['embedded', 'aws']
