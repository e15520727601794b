import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import type { BlobNotFound, InfrastructureFailure, RenderFailed } from '../domain/errors'
import { originalKey, thumbnailKey, type Image } from '../domain/image'
import type { ThumbnailRenderer, ThumbnailStorage } from './ports/blobs'
import type { RenderClaims } from './ports/repositories'
import type { Clock } from './ports/runtime'
import type { SingleFlight } from './single-flight'

type RenderError = RenderFailed | BlobNotFound | InfrastructureFailure

export type RenderSingleFlight = SingleFlight<RenderError, void>

export interface RenderOnceDeps {
  readonly thumbnails: ThumbnailStorage
  readonly renderer: ThumbnailRenderer
  /** Within this process: concurrent requests share one flight. */
  readonly renderOnce: RenderSingleFlight
  /** Across instances: the flight that wins the claim renders, the others wait for its blob. */
  readonly claims: RenderClaims
  readonly clock: Clock
}

/** A claim older than any render takes (Lambda's timeout included) belongs to an instance that died. */
export const CLAIM_STALE_MS = 120_000
/** How often a waiting instance looks for the blob (or a released claim), and for how long. */
export const WAIT_POLL_MS = 50
export const WAIT_MAX_POLLS = 600

const sleep = (ms: number): TE.TaskEither<never, void> => () => new Promise((resolve) => setTimeout(() => resolve({ _tag: 'Right', right: undefined }), ms))

/**
 * Makes sure the thumbnail of `height` is cached, rendering it at most once per
 * (image, height) across every instance: look in the cache; else claim the render;
 * the winner renders and releases the claim; the others wait for the blob, and claim
 * in turn if the winner released without one (its render failed). After waiting too
 * long a waiter renders itself: rendering twice beats never answering.
 */
export const ensureThumbnail = (deps: RenderOnceDeps, image: Image, height: number): TE.TaskEither<RenderError, void> => {
  const key = thumbnailKey(image.id, height)
  const renderNow = pipe(
    deps.renderer.render({ originalKey: originalKey(image.id), height, format: image.format, thumbnailKey: key }),
    TE.map(() => undefined),
  )
  const renderClaimed = TE.bracketW(
    TE.right(undefined),
    () => renderNow,
    () => deps.claims.release(image.id, height),
  )
  const attempt = (polls: number): TE.TaskEither<RenderError, void> =>
    pipe(
      deps.thumbnails.exists(key),
      TE.chainW((cached) => {
        if (cached) return TE.right(undefined)
        const now = deps.clock.now()
        return pipe(
          deps.claims.claim(image.id, height, now, new Date(now.getTime() - CLAIM_STALE_MS)),
          TE.chainW((won) => {
            if (won) return renderClaimed
            if (polls >= WAIT_MAX_POLLS) return renderNow
            return pipe(sleep(WAIT_POLL_MS), TE.chainW(() => attempt(polls + 1)))
          }),
        )
      }),
    )
  return deps.renderOnce(key, attempt(0))
}
