import * as t from 'io-ts'
import * as E from 'fp-ts/Either'
import { pipe } from 'fp-ts/function'
import type { S3Settings } from '../adapters/storage/s3-client'
import { boolFromEnv, nonEmpty, urlFromEnv } from '../bootstrap/env-codecs'
import { describeErrors } from './problems'

/**
 * The DESIGN.md §4 names, decoded by the API's own codecs (bootstrap/env-codecs.ts), so
 * one environment means the same to the API and to this function.
 */
export const LambdaEnv = t.intersection([
  t.type({ IMGTIER_S3_BUCKET: nonEmpty }),
  t.partial({
    IMGTIER_S3_THUMBNAIL_BUCKET: t.string,
    IMGTIER_S3_ENDPOINT: urlFromEnv,
    IMGTIER_S3_REGION: nonEmpty,
    IMGTIER_S3_FORCE_PATH_STYLE: boolFromEnv,
    // Normally the SDK's chain reads these itself; taken here too so a caller can pass
    // an environment object without touching process.env.
    AWS_ACCESS_KEY_ID: nonEmpty,
    AWS_SECRET_ACCESS_KEY: nonEmpty,
    // The Lambda runtime's execution-role credentials are temporary: without the token S3 refuses them.
    AWS_SESSION_TOKEN: nonEmpty,
  }),
])

export interface LambdaSettings {
  readonly s3: S3Settings
  readonly bucket: string
  readonly thumbnailBucket?: string
}

/** Misconfiguration stops the cold start with one line per problem. */
export const lambdaSettings = (env: Record<string, string | undefined>): LambdaSettings =>
  pipe(
    LambdaEnv.decode(env),
    E.map((e) => ({
      bucket: e.IMGTIER_S3_BUCKET,
      ...(e.IMGTIER_S3_THUMBNAIL_BUCKET ? { thumbnailBucket: e.IMGTIER_S3_THUMBNAIL_BUCKET } : {}),
      s3: {
        ...(e.IMGTIER_S3_ENDPOINT ? { endpoint: e.IMGTIER_S3_ENDPOINT } : {}),
        ...(e.IMGTIER_S3_REGION ? { region: e.IMGTIER_S3_REGION } : {}),
        ...(e.IMGTIER_S3_FORCE_PATH_STYLE !== undefined ? { forcePathStyle: e.IMGTIER_S3_FORCE_PATH_STYLE } : {}),
        ...(e.AWS_ACCESS_KEY_ID && e.AWS_SECRET_ACCESS_KEY
          ? { credentials: { accessKeyId: e.AWS_ACCESS_KEY_ID, secretAccessKey: e.AWS_SECRET_ACCESS_KEY, ...(e.AWS_SESSION_TOKEN ? { sessionToken: e.AWS_SESSION_TOKEN } : {}) } }
          : {}),
      },
    })),
    E.getOrElseW((errors) => {
      throw new Error(`imgtier thumbnailer is misconfigured:\n${describeErrors(errors).join('\n')}`)
    }),
  )
