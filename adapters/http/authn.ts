import * as E from 'fp-ts/Either'
import type { Context, Next } from 'koa'
import type { Principal } from '../../application/use-cases/authenticate'
import { checkAdminAccess } from '../../domain/user'
import type { UseCases } from '../../application/bound-use-cases'
import { problem, problemOf, sendProblem } from './problem'
import { respond } from './respond'

export const ACCESS_COOKIE = 'imgtier_access'
export const REFRESH_COOKIE = 'imgtier_refresh'

export interface AuthState {
  principal: Principal
  authVia: 'bearer' | 'cookie'
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * A browser sends cookies on cross-site form posts; it cannot send a JSON content type
 * or a custom header cross-site without CORS' consent. So a cookie-authenticated
 * state-changing request must show one of them (CSRF defence).
 */
const provesSameOrigin = (ctx: Context): boolean => ctx.is('application/json') === 'application/json' || ctx.get('x-requested-with') !== ''

/** The token of an `Authorization: Bearer …` header, or undefined when the header is not one. */
export const bearerTokenOf = (header: string): string | undefined => /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)$/i.exec(header)?.[1]

/** Authentication (401) comes before everything else a route checks. */
export const requireUser = (api: UseCases) => async (ctx: Context, next: Next): Promise<void> => {
  const header = ctx.get('authorization')
  const bearer = bearerTokenOf(header)
  const token = header !== '' ? bearer : ctx.cookies.get(ACCESS_COOKIE)
  if (token === undefined) return sendProblem(ctx, problemOf({ _tag: 'Unauthorized', reason: header ? 'malformed authorization header' : 'no credentials' }))
  const authVia = header !== '' ? 'bearer' : 'cookie'
  if (authVia === 'cookie' && !SAFE_METHODS.has(ctx.method) && !provesSameOrigin(ctx)) {
    return sendProblem(ctx, problem(403, 'csrf_rejected', 'Cross-site request refused',
      'A cookie-authenticated change needs a JSON body or an X-Requested-With header.'))
  }
  let authenticated = false
  await respond(ctx, api.authenticate(token), (principal) => {
    ctx.state.principal = principal
    ctx.state.authVia = authVia
    authenticated = true
  })
  if (authenticated) await next()
}

export const principalOf = (ctx: Context): Principal => {
  const principal: Principal | undefined = ctx.state.principal
  if (!principal) throw new Error('route used without requireUser') // a wiring bug, not a client error
  return principal
}

/** Admin routes: admins read and write; auditors read; everybody else is refused. */
export const requireAdmin = async (ctx: Context, next: Next): Promise<void> => {
  const access = SAFE_METHODS.has(ctx.method) ? 'read' : 'write'
  const allowed = checkAdminAccess(principalOf(ctx).user.role, access)
  if (E.isLeft(allowed)) return sendProblem(ctx, problemOf(allowed.left))
  await next()
}
