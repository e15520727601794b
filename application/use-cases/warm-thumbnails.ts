import { pipe } from 'fp-ts/function'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import * as TE from 'fp-ts/TaskEither'
import type { InfrastructureFailure, TierNotFound, UserNotFound } from '../../domain/errors'
import { thumbnailKey, type Image } from '../../domain/image'
import type { Tier } from '../../domain/tier'
import type { User } from '../../domain/user'
import { ensureThumbnail, type RenderOnceDeps } from '../render-once'
import type { ImageRepository, TierRepository, UserRepository } from '../ports/repositories'

/** Which owners to warm: everybody, one tier's users, or one user. */
export interface WarmThumbnailsCommand {
  readonly username?: string
  readonly tierName?: string
  /** Renders in flight at once. */
  readonly concurrency: number
}

export type WarmThumbnailsError = UserNotFound | TierNotFound | InfrastructureFailure

export interface WarmProgress {
  /** Thumbnails the selected owners' tiers allow, in all. */
  readonly total: number
  readonly rendered: number
  /** Already in the cache: a warm-up that was stopped resumes where it was. */
  readonly present: number
  readonly failed: readonly { readonly imageId: string; readonly height: number; readonly reason: string }[]
}

type Deps = RenderOnceDeps & { readonly users: UserRepository; readonly tiers: TierRepository; readonly images: ImageRepository }

const PAGE = 100

/**
 * Renders every thumbnail the selected owners' current tiers allow and the cache lacks
 * (render-once holds: a request racing the warm-up shares or waits for its render). The
 * cache is asked first, so running it again only does what is still missing.
 */
export const warmThumbnails = (deps: Deps) =>
  (cmd: WarmThumbnailsCommand, onProgress: (p: WarmProgress) => void = () => undefined): TE.TaskEither<WarmThumbnailsError, WarmProgress> =>
    pipe(
      owners(deps, cmd),
      TE.chainW((selected) => TE.tryCatch(() => warmOwners(deps, selected, cmd.concurrency, onProgress), infra('warm thumbnails'))),
    )

interface Owner { readonly user: User; readonly tier: Tier; readonly images: number }

const infra = (what: string) => (cause: unknown): InfrastructureFailure => ({ _tag: 'InfrastructureFailure', what, cause })

/** Throws the failure of a TaskEither: inside the warm-up loop, any infrastructure failure ends it. */
const orThrow = async <A>(te: TE.TaskEither<{ readonly _tag: string }, A>): Promise<A> => {
  const r = await te()
  if (E.isLeft(r)) throw Object.assign(new Error(r.left._tag), { failure: r.left })
  return r.right
}

const owners = (deps: Deps, cmd: WarmThumbnailsCommand): TE.TaskEither<WarmThumbnailsError, readonly Owner[]> =>
  pipe(
    cmd.tierName === undefined
      ? TE.right<WarmThumbnailsError, O.Option<Tier>>(O.none)
      : pipe(deps.tiers.findByName(cmd.tierName), TE.chainW(O.match(() => TE.left<TierNotFound>({ _tag: 'TierNotFound' }), (t) => TE.right(O.some(t))))),
    TE.chainW((tier) => TE.tryCatch(async () => {
      const users = cmd.username !== undefined ? [await userNamed(deps, cmd.username)] : await allUsers(deps)
      const chosen: Owner[] = []
      for (const user of users) {
        if (user === undefined) throw Object.assign(new Error('UserNotFound'), { failure: { _tag: 'UserNotFound' } })
        if (O.isSome(tier) && user.tierId !== tier.value.id) continue
        const withTier = await orThrow(deps.users.getWithTier(user.id))
        const count = (await orThrow(deps.images.listByOwner(user.id, { limit: 1, offset: 0 }))).count
        if (count > 0) chosen.push({ user, tier: withTier.tier, images: count })
      }
      return chosen
    }, (err): WarmThumbnailsError => failureOf(err) ?? infra('list owners to warm')(err))),
  )

const failureOf = (err: unknown): WarmThumbnailsError | undefined => {
  const f = (err as { failure?: WarmThumbnailsError } | undefined)?.failure
  return f !== undefined && ['UserNotFound', 'TierNotFound', 'InfrastructureFailure'].includes(f._tag) ? f : undefined
}

const userNamed = async (deps: Deps, username: string): Promise<User | undefined> =>
  O.toUndefined(await orThrow(deps.users.findByUsername(username)))

const allUsers = async (deps: Deps): Promise<readonly User[]> => {
  const out: User[] = []
  for (let offset = 0; ; offset += PAGE) {
    const page = await orThrow(deps.users.list({ limit: PAGE, offset }))
    out.push(...page.results)
    if (page.results.length < PAGE) return out
  }
}

const warmOwners = async (deps: Deps, selected: readonly Owner[], concurrency: number, onProgress: (p: WarmProgress) => void): Promise<WarmProgress> => {
  let progress: WarmProgress = { total: selected.reduce((n, o) => n + o.images * o.tier.thumbnailHeights.length, 0), rendered: 0, present: 0, failed: [] }
  const report = (change: Partial<WarmProgress>) => {
    progress = { ...progress, ...change }
    onProgress(progress)
  }
  onProgress(progress)
  for (const owner of selected) {
    // Offset pages from the oldest end: images uploaded during the warm-up do not shift the window.
    for (let offset = 0; offset < owner.images; offset += PAGE) {
      const page = await orThrow(deps.images.listByOwner(owner.user.id, { limit: PAGE, offset }))
      const jobs = page.results.flatMap((image) => owner.tier.thumbnailHeights.map((height) => ({ image, height })))
      await inParallel(jobs, concurrency, async ({ image, height }) => {
        const outcome = await warmOne(deps, image, height)
        if (outcome === 'present') report({ present: progress.present + 1 })
        else if (outcome === 'rendered') report({ rendered: progress.rendered + 1 })
        else report({ failed: [...progress.failed, { imageId: image.id, height, reason: outcome.reason }] })
      })
      if (page.results.length < PAGE) break
    }
  }
  return progress
}

const warmOne = async (deps: Deps, image: Image, height: number): Promise<'present' | 'rendered' | { readonly reason: string }> => {
  const cached = await deps.thumbnails.exists(thumbnailKey(image.id, height))()
  if (E.isRight(cached) && cached.right) return 'present'
  const rendered = await ensureThumbnail(deps, image, height)()
  return E.isRight(rendered) ? 'rendered' : { reason: rendered.left._tag === 'InfrastructureFailure' ? rendered.left.what : rendered.left._tag }
}

const inParallel = async <A>(items: readonly A[], limit: number, work: (item: A) => Promise<void>): Promise<void> => {
  let next = 0
  const worker = async () => {
    while (next < items.length) await work(items[next++] as A)
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
}
