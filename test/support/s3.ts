/**
 * An S3 for tests, found in the order DESIGN.md §5 gives: TEST_S3_ENDPOINT (CI's Ceph),
 * else LocalStack when a container runtime answers, else an in-process s3rver.
 * One server per test process; every caller gets its own client and buckets.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import * as path from 'node:path'
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, type S3Client, paginateListObjectsV2 } from '@aws-sdk/client-s3'
import { makeS3Client } from '../../adapters/storage/s3-client'
import { reportService } from './services'

export interface S3Credentials { readonly accessKeyId: string; readonly secretAccessKey: string }

export interface TestS3 {
  readonly client: S3Client
  readonly endpoint: string
  readonly credentials: S3Credentials
  readonly region: string
  /** A new, empty bucket with a name no other test uses; removed again by close(). */
  makeBucket(): Promise<string>
  /** Whether the server really checks signatures and presigned expiry (Ceph, AWS) or is a stand-in. */
  readonly verifiesSignatures: boolean
  close(): Promise<void>
}

interface Server {
  readonly endpoint: string
  readonly credentials: S3Credentials
  readonly verifiesSignatures: boolean
  readonly description: string
  stop(): Promise<void>
}

const REGION = 'us-east-1'
const CEPH_CREDENTIALS: S3Credentials = { accessKeyId: 'TESTACCESSKEY0000000', secretAccessKey: 'testsecretkey000000000000000000000000000' }

const fromEnvironment = (): Server | undefined => {
  const endpoint = process.env.TEST_S3_ENDPOINT
  if (endpoint === undefined || endpoint === '') return undefined
  return {
    endpoint,
    credentials: {
      accessKeyId: process.env.TEST_S3_ACCESS_KEY ?? CEPH_CREDENTIALS.accessKeyId,
      secretAccessKey: process.env.TEST_S3_SECRET_KEY ?? CEPH_CREDENTIALS.secretAccessKey,
    },
    verifiesSignatures: true,
    description: `${endpoint} from TEST_S3_ENDPOINT (real S3: signatures and expiry checked)`,
    stop: async () => undefined,
  }
}

/** Where testcontainers would look; none present means no runtime, and no 30 s wait to learn it. */
const containerRuntimeLikely = (): boolean => {
  if (process.env.DOCKER_HOST || process.env.TESTCONTAINERS_HOST_OVERRIDE) return true
  const runtimeDir = process.env.XDG_RUNTIME_DIR
  return [
    '/var/run/docker.sock',
    path.join(homedir(), '.testcontainers.properties'),
    path.join(homedir(), '.docker/run/docker.sock'),
    path.join(homedir(), '.docker/desktop/docker.sock'),
    ...(runtimeDir ? [path.join(runtimeDir, 'docker.sock'), path.join(runtimeDir, 'podman/podman.sock')] : []),
  ].some(existsSync)
}

const withTimeout = <A>(p: Promise<A>, ms: number, what: string): Promise<A> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms).unref())])

const fromLocalStack = async (): Promise<Server | undefined> => {
  if (!containerRuntimeLikely()) return undefined
  try {
    const { getContainerRuntimeClient } = await import('testcontainers')
    await withTimeout(getContainerRuntimeClient(), 5_000, 'container runtime')
    const { LocalstackContainer } = await import('@testcontainers/localstack')
    const container = await new LocalstackContainer('localstack/localstack:3.8').start()
    const endpoint = container.getConnectionUri()
    return {
      endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      verifiesSignatures: false,
      description: `LocalStack at ${endpoint} (container; signatures not checked)`,
      stop: async () => void (await container.stop()),
    }
  } catch (e) {
    console.warn(`S3: container runtime did not serve LocalStack (${e instanceof Error ? e.message : String(e)}); using s3rver`)
    return undefined
  }
}

interface S3rverInstance {
  run(): Promise<{ readonly address: string; readonly port: number }>
  close(): Promise<void>
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance
const isConstructor = (m: unknown): m is S3rverConstructor => typeof m === 'function'

const inProcess = async (): Promise<Server> => {
  // s3rver ships no typings; the guard states the two members used here.
  const S3rver: unknown = require('s3rver')
  if (!isConstructor(S3rver)) throw new Error('s3rver did not export a constructor')
  const directory = mkdtempSync(path.join(tmpdir(), 'imgtier-s3rver-'))
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, resetOnClose: true })
  const { port } = await server.run()
  const endpoint = `http://127.0.0.1:${port}`
  return {
    endpoint,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    verifiesSignatures: false,
    description: `in-process s3rver at ${endpoint} (a stand-in: signature and expiry tests do not run)`,
    stop: async () => {
      await server.close()
      rmSync(directory, { recursive: true, force: true })
    },
  }
}

let shared: Promise<Server> | undefined
let users = 0

const server = (): Promise<Server> =>
  (shared ??= (async () => {
    const s = fromEnvironment() ?? (await fromLocalStack()) ?? (await inProcess())
    reportService('s3', s.description)
    return s
  })())

export const emptyAndDelete = async (client: S3Client, bucket: string): Promise<void> => {
  for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket })) {
    await Promise.all((page.Contents ?? []).map((o) => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key }))))
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }))
}

export const uniqueBucketName = (): string => `imgtier-t-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`

export const freshS3 = async (): Promise<TestS3> => {
  const s = await server()
  users++
  const client = makeS3Client({ endpoint: s.endpoint, region: REGION, forcePathStyle: true, credentials: s.credentials })
  const buckets: string[] = []
  return {
    client,
    endpoint: s.endpoint,
    credentials: s.credentials,
    region: REGION,
    verifiesSignatures: s.verifiesSignatures,
    makeBucket: async () => {
      const name = uniqueBucketName()
      await client.send(new CreateBucketCommand({ Bucket: name }))
      buckets.push(name)
      return name
    },
    close: async () => {
      // The server may be shared (CI's Ceph): leave no bucket behind.
      await Promise.all(buckets.map((b) => emptyAndDelete(client, b).catch((e: unknown) => console.warn(`S3: could not remove bucket ${b}: ${String(e)}`))))
      client.destroy()
      if (--users === 0 && shared !== undefined) {
        const stopping = shared
        shared = undefined
        await (await stopping).stop()
      }
    },
  }
}
