import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import * as t from 'io-ts'
import pino from 'pino'
import { DatabaseInUse } from '../../adapters/persistence'
import { fieldProblems } from '../../adapters/http/decode'
import { loadConfig, type Config } from '../config'
import { createCore, type ConfiguredCore } from '../core'

/** Exit codes, documented in the README ("The imgtier CLI"): scripts branch on them. */
export const EXIT = {
  ok: 0,
  /** The database, storage or a render failed. */
  failed: 1,
  /** Bad arguments, options or configuration. */
  usage: 2,
  /** The user, tier or image named does not exist. */
  notFound: 3,
  /** Refused: a name is taken, a tier is in use, a link is not valid. */
  refused: 4,
  /** The embedded database is held by a running server. */
  databaseInUse: 5,
} as const

/** A failure the CLI reports as one line and an exit code. */
export class CliFailure extends Error {
  constructor(message: string, readonly exitCode: number) { super(message) }
}

export const configOrExit = (): Config => {
  const config = loadConfig(process.env)
  if (E.isLeft(config)) throw new CliFailure(`configuration problems:\n  ${config.left.join('\n  ')}`, EXIT.usage)
  return config.right
}

/** The configured core, quiet (warnings only), closed whatever `work` does. */
export const withCore = async <A>(work: (core: ConfiguredCore) => Promise<A>): Promise<A> => {
  const config = configOrExit()
  const core = await createCore(config, { overrides: { logger: pino({ level: 'warn', base: { service: 'imgtier-cli' } }, pino.destination(2)) } })
    .catch((err: unknown) => { throw asCliFailure(err) })
  try {
    return await work(core)
  } finally {
    await core.close()
  }
}

export const asCliFailure = (err: unknown): CliFailure => {
  if (err instanceof CliFailure) return err
  if (err instanceof DatabaseInUse) return new CliFailure(err.message, EXIT.databaseInUse)
  // Start-up wraps the lock's refusal in the backend's name: still the same refusal.
  if (err instanceof Error && err.cause instanceof DatabaseInUse) return new CliFailure(err.message, EXIT.databaseInUse)
  return new CliFailure(err instanceof Error ? err.message : String(err), EXIT.failed)
}

const EXIT_OF_TAG: Readonly<Record<string, number>> = {
  UserNotFound: EXIT.notFound, TierNotFound: EXIT.notFound, ImageNotFound: EXIT.notFound,
  UsernameTaken: EXIT.refused, TierNameTaken: EXIT.refused, TierInUse: EXIT.refused, InvalidTier: EXIT.refused,
  UnknownTier: EXIT.notFound, CannotChangeOwnAccount: EXIT.refused,
}

/** The right of a use-case's result, or a CliFailure saying what went wrong in words. */
export const orFail = async <L extends { readonly _tag: string }, A>(te: TE.TaskEither<L, A>, words: (e: L) => string): Promise<A> => {
  const r = await te()
  if (E.isRight(r)) return r.right
  const e = r.left
  const cause = e._tag === 'InfrastructureFailure' ? (e as unknown as { what: string; cause: unknown }) : undefined
  const detail = cause === undefined ? words(e) : `${cause.what}: ${cause.cause instanceof Error ? cause.cause.message : String(cause.cause)}`
  throw new CliFailure(detail, EXIT_OF_TAG[e._tag] ?? EXIT.failed)
}

/** Decodes an argument with the same codec the HTTP edge uses, or stops with exit code 2. */
export const decodeArg = <A>(codec: t.Decoder<unknown, A>, value: unknown, what: string): A => {
  const r = codec.decode(value)
  if (E.isRight(r)) return r.right
  const problems = fieldProblems(r.left).map((p) => `${p.path === '(body)' ? what : p.path}: ${p.message}`)
  throw new CliFailure(problems.join('\n'), EXIT.usage)
}

/** Prints JSON for scripts (`--json`), or lines for people. */
export const output = (json: boolean, value: unknown, human: () => string): void => {
  console.log(json ? JSON.stringify(value, null, 2) : human())
}

/** Columns padded to their widest cell. */
export const table = (rows: readonly (readonly string[])[]): string => {
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), [])
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n')
}
