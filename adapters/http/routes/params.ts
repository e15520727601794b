import type { Context, Next } from 'koa'
import { isUuid } from '../../../domain/ids'
import { problem, sendProblem } from '../problem'

/** Ids are UUIDs: anything else names nothing, so it is a 404 like any missing resource. */
export const uuidParam = (what: string) => async (id: string, ctx: Context, next: Next): Promise<void> => {
  if (!isUuid(id)) return sendProblem(ctx, problem(404, 'not_found', 'Not found', `No ${what} with this id.`))
  await next()
}
