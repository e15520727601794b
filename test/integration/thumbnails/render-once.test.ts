import { expect } from 'chai'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as TE from 'fp-ts/TaskEither'
import { pipe } from 'fp-ts/function'
import { CLAIM_TIMING, ensureThumbnail, type ClaimTiming, type RenderOnceDeps } from '../../../application/render-once'
import { makeSingleFlight } from '../../../application/single-flight'
import type { BlobStorage, ThumbnailRenderer } from '../../../application/ports/blobs'
import type { RenderClaims } from '../../../application/ports/repositories'
import type { InfrastructureFailure, RenderFailed } from '../../../domain/errors'
import type { Image } from '../../../domain/image'
import {
  objectionImageRepository, objectionRenderClaims, objectionTierRepository, objectionUserRepository, type Database,
} from '../../../adapters/persistence'
import { fsBlobStorage } from '../../../adapters/storage/fs-blob-storage'
import { anImage, aUserOnBasic, right, type RepositoryHarness } from '../../contract/repository-harness.contract'
import { freshDatabase } from '../../support/database'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Counts every call a port gets: the proof of how many round trips a render costs. */
const counted = <T extends object>(port: T, calls: Record<string, number>): T =>
  new Proxy(port, {
    get: (target, name, receiver) => {
      const value: unknown = Reflect.get(target, name, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        calls[String(name)] = (calls[String(name)] ?? 0) + 1
        return Reflect.apply(value, target, args)
      }
    },
  })

/**
 * Render-once across instances on a real database (Postgres when configured, else
 * PGlite): each "instance" below has its own single-flight and shares the claims
 * and the thumbnail store, as two processes would.
 */
describe('render once: claims with a heartbeat and an expiry', function () {
  this.timeout(30_000)
  let db: Database
  let dir: string
  let thumbnails: BlobStorage
  let claims: RenderClaims
  let h: Pick<RepositoryHarness, 'tiers' | 'users' | 'images'>

  before(async () => {
    db = await freshDatabase()
    dir = mkdtempSync(path.join(tmpdir(), 'imgtier-render-once-'))
    thumbnails = fsBlobStorage(dir)
    claims = objectionRenderClaims(db.knex)
    h = { tiers: objectionTierRepository(db.knex), users: objectionUserRepository(db.knex), images: objectionImageRepository(db.knex) }
  })
  after(async () => {
    await db?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const anImageRow = async (): Promise<Image> => {
    const owner = await aUserOnBasic(h as RepositoryHarness)
    return right(h.images.insert(anImage(owner.id)))
  }

  /** Takes `ms`, then stores bytes (or fails); counts its renders. */
  const slowRenderer = (ms: number, counter: { n: number }, fail = false): ThumbnailRenderer => ({
    render: (req) =>
      pipe(
        TE.fromTask(async () => {
          counter.n++
          await sleep(ms)
        }),
        TE.chainW((): TE.TaskEither<RenderFailed | InfrastructureFailure, void> =>
          fail ? TE.left({ _tag: 'RenderFailed', reason: 'injected', timedOut: false }) : thumbnails.put(req.thumbnailKey, Buffer.from('thumb'), 'image/jpeg')),
        TE.map(() => ({ thumbnailKey: req.thumbnailKey, width: 1, height: 1, bytes: 5 })),
      ),
  })

  const instance = (renderer: ThumbnailRenderer, timing: ClaimTiming, claimsPort = claims): RenderOnceDeps =>
    ({ thumbnails, renderer, renderOnce: makeSingleFlight(), claims: claimsPort, claimTiming: timing })

  it('costs one claim statement and nothing else when nobody else renders', async () => {
    const image = await anImageRow()
    const calls: Record<string, number> = {}
    const storeCalls: Record<string, number> = {}
    const deps = { ...instance(slowRenderer(0, { n: 0 }), CLAIM_TIMING, counted(claims, calls)), thumbnails: counted(thumbnails, storeCalls) }
    await right(ensureThumbnail(deps, image, 200, true))
    expect(calls).to.deep.equal({ claim: 1 })
    expect(storeCalls, 'the caller just missed the cache: no second look').to.deep.equal({})
    expect(await right(thumbnails.exists(`${image.id}/200`))).to.equal(true)
  })

  it('keeps a long render to one renderer: its heartbeat outlives the expiry', async () => {
    const image = await anImageRow()
    const timing: ClaimTiming = { ttlMs: 300, heartbeatMs: 60, pollMs: 20, maxPolls: 500 }
    const renders = { n: 0 }
    const [a, b] = [instance(slowRenderer(1_200, renders), timing), instance(slowRenderer(1_200, renders), timing)]
    const first = ensureThumbnail(a, image, 200, true)()
    await sleep(50)
    await Promise.all([first, ensureThumbnail(b, image, 200, true)()])
    expect(renders.n, 'a render four times as long as a claim lives, yet rendered once').to.equal(1)
  })

  it('lets a waiter take over at once when the render fails (released, not left to expire)', async () => {
    const image = await anImageRow()
    const timing: ClaimTiming = { ...CLAIM_TIMING, ttlMs: 60_000, pollMs: 20 }
    const failed = { n: 0 }
    const ok = { n: 0 }
    const first = ensureThumbnail(instance(slowRenderer(200, failed, true), timing), image, 200, true)()
    await sleep(50)
    const t0 = Date.now()
    await right(ensureThumbnail(instance(slowRenderer(0, ok), timing), image, 200, true))
    expect((await first)._tag).to.equal('Left')
    expect(ok.n).to.equal(1)
    expect(Date.now() - t0, 'well before the minute the claim would live').to.be.below(5_000)
  })

  it('takes over the claim of a renderer that crashed, within the claim lifetime', async () => {
    const image = await anImageRow()
    // What a renderer that claimed and then died leaves behind: a claim nobody renews.
    expect(await right(claims.claim(image.id, 200, CLAIM_TIMING.ttlMs))).to.equal(true)
    const renders = { n: 0 }
    const t0 = Date.now()
    await right(ensureThumbnail(instance(slowRenderer(0, renders), CLAIM_TIMING), image, 200, true))
    expect(renders.n).to.equal(1)
    expect(Date.now() - t0).to.be.below(CLAIM_TIMING.ttlMs + 1_500)
  })
})
