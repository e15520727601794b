import Router from '@koa/router'
import * as t from 'io-ts'
import type { Context } from 'koa'
import type { SetOption } from 'cookies'
import type { Session } from '../../../application/use-cases/sessions'
import type { UseCases } from '../../../application/bound-use-cases'
import { DatabaseText } from '../../../domain/codecs'
import type { HttpSettings } from '../api'
import { ACCESS_COOKIE, REFRESH_COOKIE, principalOf, requireUser } from '../authn'
import { bodyOf, fieldOf, jsonBody } from '../body'
import { decodeWith } from '../decode'
import { problemOf, sendProblem } from '../problem'
import type { Limit } from '../rate-limit'
import { decoded, respond } from '../respond'
import { meJson } from '../serialize'

export const LoginBody = t.strict({ username: t.string, password: t.string }, 'LoginRequest')
/** The refresh token, when not sent as its cookie. */
export const RefreshBody = t.exact(t.partial({ refreshToken: t.string }), 'RefreshRequest')

const REFRESH_PATH = '/auth'

export const authRoutes = (api: UseCases, settings: HttpSettings, limit: Limit): Router => {
  const router = new Router()
  const cookie = (maxAgeSeconds: number, path = '/'): SetOption =>
    ({ httpOnly: true, sameSite: 'lax', secure: settings.secureCookies, path, maxAge: maxAgeSeconds * 1000, overwrite: true })

  const sendSession = (ctx: Context, session: Session) => {
    secureCookiesOn(ctx)
    ctx.cookies.set(ACCESS_COOKIE, session.accessToken, cookie(session.expiresIn))
    ctx.cookies.set(REFRESH_COOKIE, session.refreshToken, cookie(session.refreshExpiresIn, REFRESH_PATH))
    ctx.set('Cache-Control', 'no-store')
    ctx.body = {
      accessToken: session.accessToken,
      refreshToken: session.refreshToken,
      tokenType: 'Bearer',
      expiresIn: session.expiresIn,
      user: meJson(session.user, session.tier),
    }
  }

  /**
   * In production TLS ends at a proxy, so the request looks like plain HTTP and the
   * cookies library would refuse (throw on) a Secure cookie: we know better.
   */
  const secureCookiesOn = (ctx: Context) => {
    if (settings.secureCookies) ctx.cookies.secure = true
  }

  /** The refresh token from the body, else the cookie; text no token can be (U+0000…) is none. */
  const refreshTokenOf = (ctx: Context): string | undefined => {
    const fromBody = fieldOf(bodyOf(ctx), 'refreshToken')
    const token = typeof fromBody === 'string' ? fromBody : ctx.cookies.get(REFRESH_COOKIE)
    return DatabaseText.is(token) ? token : undefined
  }

  router.post('/auth/login', jsonBody, limit('login'), async (ctx) => {
    const body = decoded(ctx, decodeWith(LoginBody, bodyOf(ctx)))
    if (body) await respond(ctx, api.login(body), (session) => sendSession(ctx, session))
  })

  router.post('/auth/refresh', limit('read'), jsonBody, async (ctx) => {
    const token = refreshTokenOf(ctx)
    if (token === undefined) return sendProblem(ctx, problemOf({ _tag: 'RefreshTokenInvalid' }))
    await respond(ctx, api.refreshSession(token), (session) => sendSession(ctx, session))
  })

  router.post('/auth/logout', requireUser(api), limit('read'), jsonBody, async (ctx) => {
    const { user, sessionId } = principalOf(ctx)
    await respond(ctx, api.endSession({ userId: user.id, sessionId, refreshToken: refreshTokenOf(ctx) }), () => {
      secureCookiesOn(ctx)
      ctx.cookies.set(ACCESS_COOKIE, null, cookie(0))
      ctx.cookies.set(REFRESH_COOKIE, null, cookie(0, REFRESH_PATH))
      ctx.status = 204
    })
  })

  return router
}
