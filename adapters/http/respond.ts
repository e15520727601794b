import * as E from 'fp-ts/Either'
import type * as TE from 'fp-ts/TaskEither'
import type { Context } from 'koa'
import type { Logger } from 'pino'
import { isServerSide, problemOf, sendProblem, type AppError, type Problem } from './problem'

/** Runs a use-case; its failure becomes a problem response, its success goes to `ok`. */
export const respond = async <L extends AppError, A>(ctx: Context, task: TE.TaskEither<L, A>, ok: (a: A) => void): Promise<void> => {
  const result = await task()
  if (E.isRight(result)) return ok(result.right)
  sendAppError(ctx, result.left)
}

/** Answers with the problem for an expected failure (logged as logAppError says). */
export const sendAppError = (ctx: Context, error: AppError): void => {
  sendProblem(ctx, logAppError(ctx.state.log, error))
}

/** An expected failure's problem; server-side ones are logged with their cause, decoder refusals with its words. */
export const logAppError = (log: Logger | undefined, error: AppError): Problem => {
  const prob = problemOf(error)
  if (isServerSide(prob)) log?.error({ err: describe(error) }, prob.code)
  // What a library said about the client's input helps whoever reads the log; the client gets our words.
  else if (error._tag === 'ImageUnreadable') log?.info({ reason: error.reason }, prob.code)
  return prob
}

/** A decode step: on failure, answers with the problem and yields nothing. */
export const decoded = <A>(ctx: Context, result: E.Either<Problem, A>): A | undefined => {
  if (E.isRight(result)) return result.right
  sendProblem(ctx, result.left)
  return undefined
}

/** What gets logged of an infrastructure failure: its cause, never sent to the client. */
const describe = (e: AppError): unknown => ('cause' in e && e.cause instanceof Error ? { tag: e._tag, message: e.cause.message, stack: e.cause.stack, what: 'what' in e ? e.what : undefined } : e)
