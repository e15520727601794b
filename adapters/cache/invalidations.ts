import * as E from 'fp-ts/Either'
import * as t from 'io-ts'

/**
 * What a write changed, named by the row it touched. Every cached entry that read
 * that row is dropped when one arrives (see adapters/cache/README rule in caches.ts).
 */
export const Invalidation = t.union([
  /** A user row changed or went (tier move, role, activation, password, delete, every session revoked). */
  t.strict({ kind: t.literal('user'), id: t.string }),
  /** A tier row changed or went. */
  t.strict({ kind: t.literal('tier'), id: t.string }),
  /** A login session (refresh-token family) ended: logout or detected reuse. */
  t.strict({ kind: t.literal('session'), id: t.string }),
  /** An image was marked for deletion or deleted. */
  t.strict({ kind: t.literal('image'), id: t.string }),
  /** Every image of an owner was marked for deletion (the owner is being deleted). */
  t.strict({ kind: t.literal('owner'), id: t.string }),
])
export type Invalidation = t.TypeOf<typeof Invalidation>

/** An invalidation, or `all`: this instance may have missed some (its listener was away). */
export type Signal = Invalidation | { readonly kind: 'all' }

export interface InvalidationBus {
  /**
   * Applies at once to every subscriber in this process, then tells the other
   * instances. Never rejects: a lost notification is bounded by the caches' TTL.
   */
  publish(invalidation: Invalidation): Promise<void>
  subscribe(listener: (signal: Signal) => void): () => void
  close(): Promise<void>
}

/** Fan-out to this process's subscribers: the whole story on one instance. */
export const makeFanOut = () => {
  const listeners = new Set<(signal: Signal) => void>()
  return {
    emit: (signal: Signal): void => {
      for (const listener of listeners) listener(signal)
    },
    subscribe: (listener: (signal: Signal) => void): (() => void) => {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
  }
}

/** One instance, one process (embedded PGlite): in-process invalidation is all there is. */
export const inProcessInvalidationBus = (): InvalidationBus => {
  const fanOut = makeFanOut()
  return {
    publish: async (invalidation) => fanOut.emit(invalidation),
    subscribe: fanOut.subscribe,
    close: async () => undefined,
  }
}

/** A NOTIFY payload: the invalidation and the instance that sent it (which ignores its own echo). */
export const Envelope = t.strict({ from: t.string, what: Invalidation })

export const decodeEnvelope = (payload: string | undefined): t.TypeOf<typeof Envelope> | undefined => {
  if (payload === undefined) return undefined
  let json: unknown
  try {
    json = JSON.parse(payload)
  } catch {
    return undefined
  }
  const decoded = Envelope.decode(json)
  return E.isRight(decoded) ? decoded.right : undefined
}

// Apps that share one embedded database in one process (tests, an embedder running two)
// must share its invalidations too; keyed by the database handle, gone with it.
const sharedInProcess = new WeakMap<object, InvalidationBus>()

/** The in-process bus of one database handle, shared by every app built on that handle. */
export const inProcessInvalidationBusOf = (database: object): InvalidationBus => {
  const found = sharedInProcess.get(database)
  if (found) return found
  const bus = inProcessInvalidationBus()
  sharedInProcess.set(database, bus)
  return bus
}
