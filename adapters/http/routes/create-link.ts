import * as E from 'fp-ts/Either'
import * as t from 'io-ts'
import type { Logger } from 'pino'
import type { UseCases } from '../../../application/bound-use-cases'
import type { Principal } from '../../../application/use-cases/authenticate'
import { jsonAnswer, type Answer } from '../answer'
import { decodeBody } from '../decode'
import type { Problem } from '../problem'
import { logAppError } from '../respond'

/**
 * The body of POST …/expiring-links. Its one field's value is the tier's to judge: a missing
 * or bad `expiresIn` (no body, an array, a string…) is invalid_expiry naming the tier's bounds,
 * after ownership (404) and permission (403), as DESIGN.md orders the checks. Fields that do
 * not exist are refused like every admin body's, last of all: signing a link changes nothing,
 * so the use-case may run first.
 */
const ExpiringLinkBody = t.exact(t.partial({ expiresIn: t.unknown }), 'ExpiringLinkBody')
const EXPIRING_LINK_FIELDS = ['expiresIn']

export interface CreateLinkRequest {
  readonly owner: Principal
  readonly imageId: string
  /** `original`, or the raw height from the path. */
  readonly variant: 'original' | { readonly height: string }
  /** The parsed JSON body, as the parser gave it. */
  readonly body: unknown
}

/**
 * POST …/expiring-links, answered through Koa (routes/images.ts) or before it
 * (fast-routes.ts): the same checks in the same order, the same answer.
 */
export const createLinkAnswer = (api: UseCases, publicUrl: string) =>
  async (req: CreateLinkRequest, log?: Logger): Promise<E.Either<Problem, Answer>> => {
    const raw = req.body
    const body = ExpiringLinkBody.is(raw) && !Array.isArray(raw) ? raw : {}
    const { user, tier } = req.owner
    const link = await api.createExpiringLink({ ownerId: user.id, tier, imageId: req.imageId, variant: req.variant, expiresIn: body.expiresIn })()
    if (E.isLeft(link)) return E.left(logAppError(log, link.left))
    const refused = decodeBody(ExpiringLinkBody, EXPIRING_LINK_FIELDS)(raw)
    if (E.isLeft(refused)) return refused
    return E.right(jsonAnswer(201, { url: `${publicUrl}/links/${link.right.token}`, expiresAt: link.right.expiresAt.toISOString() }, [['Cache-Control', 'no-store']]))
  }
