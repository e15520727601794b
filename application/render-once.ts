import { pipe } from 'fp-ts/function'
import * as E from 'fp-ts/Either'
import * as TE from 'fp-ts/TaskEither'
import type { BlobNotFound, InfrastructureFailure, RenderFailed } from '../domain/errors'
import { originalKey, thumbnailKey, type Image } from '../domain/image'
import type { PreparedRender, RenderRequest, ThumbnailRenderer, ThumbnailStorage } from './ports/blobs'
import type { RenderClaims } from './ports/repositories'
import type { SingleFlight } from './single-flight'

type RenderError = RenderFailed | BlobNotFound | InfrastructureFailure

export type RenderSingleFlight = SingleFlight<RenderError, void>

/** How claims are held and waited for. */
export interface ClaimTiming {
  /** A claim not renewed for this long belongs to a renderer that died: it is taken over. */
  readonly ttlMs: number
  /** How often a renderer renews its claim while it works (a few times per ttl). */
  readonly heartbeatMs: number
  /** How often a waiting instance looks for the blob (or an expired claim)… */
  readonly pollMs: number
  /** …and how many times, before it renders itself: rendering twice beats never answering. */
  readonly maxPolls: number
}

export const CLAIM_TIMING: ClaimTiming = { ttlMs: 2_000, heartbeatMs: 500, pollMs: 50, maxPolls: 600 }

export interface RenderOnceDeps {
  readonly thumbnails: ThumbnailStorage
  readonly renderer: ThumbnailRenderer
  /** Within this process: concurrent requests share one flight. */
  readonly renderOnce: RenderSingleFlight
  /** Across instances: the flight that wins the claim renders, the others wait for its blob. */
  readonly claims: RenderClaims
  /** Defaults to CLAIM_TIMING (tests shorten it). */
  readonly claimTiming?: ClaimTiming
}

const sleep = (ms: number): TE.TaskEither<never, void> => () => new Promise((resolve) => setTimeout(() => resolve({ _tag: 'Right', right: undefined }), ms))

/** Runs `task` while renewing the claim every `everyMs`; a failed renewal at worst lets a second renderer in. */
const heartbeat = <E, A>(renew: () => TE.TaskEither<unknown, void>, everyMs: number, task: TE.TaskEither<E, A>): TE.TaskEither<E, A> => async () => {
  const timer = setInterval(() => void renew()(), everyMs)
  try {
    return await task()
  } finally {
    clearInterval(timer)
  }
}

/** What a claim came to: won (with the original already read, when it was read meanwhile), or lost. */
type Claimed = { readonly won: false } | { readonly won: true; readonly prepared?: PreparedRender }

/**
 * Makes sure the thumbnail of `height` is cached, rendering it at most once per
 * (image, height) across every instance: claim the render (one statement); the winner
 * renders under a heartbeat; the others wait for the blob, and claim in turn once the
 * claim is released (the render failed) or expires (the renderer died). A successful
 * render leaves its claim to expire: the blob now answers every waiter. Where the renderer
 * reads the original in this process, the first claim runs while the original is read, so
 * an uncontended render waits for the claim only when it outlasts the read; a lost claim
 * drops what was read (the render itself still happens once).
 * `knownMissing`: the caller just looked in the cache and missed, so the first look is skipped.
 */
export const ensureThumbnail = (
  deps: RenderOnceDeps, image: Image, height: number, knownMissing = false,
): TE.TaskEither<RenderError, void> => {
  const timing = deps.claimTiming ?? CLAIM_TIMING
  const key = thumbnailKey(image.id, height)
  const request: RenderRequest = {
    originalKey: originalKey(image.id), height, format: image.format, thumbnailKey: key,
    displayed: { width: image.width, height: image.height },
  }
  // Built only when taken: a render task is not made for a path that never runs it.
  const renderNow = () => pipe(deps.renderer.render(request), TE.map(() => undefined))
  // The render's own error is the one worth reporting, whether the release worked or not.
  const releasing = <A>(e: RenderError): TE.TaskEither<RenderError, A> =>
    pipe(deps.claims.release(image.id, height), TE.orElseW(() => TE.right(undefined)), TE.chainW(() => TE.left(e)))
  const renderClaimed = (prepared: PreparedRender | undefined) =>
    pipe(
      heartbeat(() => deps.claims.renew(image.id, height, timing.ttlMs), timing.heartbeatMs, prepared ? prepared.render() : deps.renderer.render(request)),
      TE.map(() => undefined),
      TE.orElseW((e) => releasing<void>(e)),
    )
  const claim = (): TE.TaskEither<RenderError, Claimed> => pipe(deps.claims.claim(image.id, height, timing.ttlMs), TE.map((won) => ({ won })))
  const claimWhileReading = (prepare: NonNullable<ThumbnailRenderer['prepare']>): TE.TaskEither<RenderError, Claimed> => async () => {
    const [won, prepared] = await Promise.all([deps.claims.claim(image.id, height, timing.ttlMs)(), prepare(request)()])
    if (E.isLeft(won)) return won
    if (!won.right) return E.right({ won: false })
    return E.isRight(prepared) ? E.right({ won: true, prepared: prepared.right }) : releasing<Claimed>(prepared.left)()
  }
  const attempt = (polls: number): TE.TaskEither<RenderError, void> =>
    pipe(
      polls === 0 && knownMissing ? TE.right(false) : deps.thumbnails.exists(key),
      TE.chainW((cached) => {
        if (cached) return TE.right(undefined)
        // Only the first claim reads meanwhile: a waiter that polls must not read the original each time.
        const claimed = polls === 0 && deps.renderer.prepare ? claimWhileReading(deps.renderer.prepare) : claim()
        return pipe(
          claimed,
          TE.chainW((c) => {
            if (c.won) return renderClaimed(c.prepared)
            if (polls >= timing.maxPolls) return renderNow()
            return pipe(sleep(timing.pollMs), TE.chainW(() => attempt(polls + 1)))
          }),
        )
      }),
    )
  return deps.renderOnce(key, attempt(0))
}
