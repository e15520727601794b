import { expect } from 'chai'
import * as E from 'fp-ts/Either'
import * as TE from 'fp-ts/TaskEither'
import { makeTtlCache } from '../../../adapters/cache'

/** A loader that counts its calls and answers `{ n }` with the call number. */
const counting = () => {
  const calls = { n: 0 }
  const load = () => TE.fromIO(() => ({ n: ++calls.n }))
  return { calls, load }
}

const value = async <A>(te: TE.TaskEither<unknown, A>): Promise<A> => {
  const r = await te()
  if (E.isLeft(r)) throw new Error(`expected a value, got ${JSON.stringify(r.left)}`)
  return r.right
}

describe('TtlCache', () => {
  it('answers from memory until the TTL has passed, by its own clock', async () => {
    let now = 1_000
    const cache = makeTtlCache<{ n: number }>({ ttlMs: 2_000, maxEntries: 10, now: () => now })
    const { calls, load } = counting()
    expect(await value(cache.through('k', load))).to.deep.equal({ n: 1 })
    now += 1_999
    expect(await value(cache.through('k', load))).to.deep.equal({ n: 1 })
    now += 2
    expect(await value(cache.through('k', load)), 'older than the TTL: loaded again').to.deep.equal({ n: 2 })
    expect(calls.n).to.equal(2)
    expect(cache.stats()).to.include({ hits: 1, misses: 2, size: 1 })
  })

  it('holds at most maxEntries, dropping the least recently used', async () => {
    const cache = makeTtlCache<{ n: number }>({ ttlMs: 60_000, maxEntries: 2, now: () => 0 })
    const { calls, load } = counting()
    await value(cache.through('a', load))
    await value(cache.through('b', load))
    await value(cache.through('a', load))
    await value(cache.through('c', load))
    expect(cache.stats().size).to.equal(2)
    expect(cache.has('a')).to.equal(true)
    expect(cache.has('b'), 'least recently used').to.equal(false)
    expect(calls.n).to.equal(3)
  })

  it('never keeps a failure', async () => {
    const cache = makeTtlCache<{ n: number }>({ ttlMs: 60_000, maxEntries: 10, now: () => 0 })
    let loads = 0
    const failing = () => TE.left<string, { n: number }>(`miss ${++loads}`)
    expect(await cache.through('k', failing)()).to.deep.equal(E.left('miss 1'))
    expect(await cache.through('k', failing)()).to.deep.equal(E.left('miss 2'))
    expect(cache.stats().size).to.equal(0)
  })

  it('answers but does not keep a load that overlapped an invalidation (no stale refill)', async () => {
    const cache = makeTtlCache<{ n: number }>({ ttlMs: 60_000, maxEntries: 10, now: () => 0 })
    let release: () => void = () => undefined
    const slow = () => () => new Promise<E.Either<never, { n: number }>>((resolve) => { release = () => resolve(E.right({ n: 0 })) })
    const pending = cache.through('k', slow)()
    cache.delete('other') // any invalidation while the read is in flight
    release()
    expect(await pending).to.deep.equal(E.right({ n: 0 }))
    expect(cache.has('k'), 'the old state must not outlive the write').to.equal(false)
  })

  it('deletes one entry, entries a predicate picks, or everything; each counted', async () => {
    const cache = makeTtlCache<{ n: number }>({ ttlMs: 60_000, maxEntries: 10, now: () => 0 })
    const { load } = counting()
    for (const k of ['a', 'b', 'c', 'd']) await value(cache.through(k, load))
    cache.delete('a')
    cache.deleteWhere((v) => v.n % 2 === 0)
    expect(['a', 'b', 'c', 'd'].filter(cache.has)).to.deep.equal(['c'])
    cache.clear()
    expect(cache.stats()).to.include({ invalidations: 3, clears: 1, size: 0 })
  })

  it('with a TTL of 0 caches nothing', async () => {
    const cache = makeTtlCache<{ n: number }>({ ttlMs: 0, maxEntries: 10, now: () => 0 })
    const { calls, load } = counting()
    await value(cache.through('k', load))
    await value(cache.through('k', load))
    expect(calls.n).to.equal(2)
  })
})
