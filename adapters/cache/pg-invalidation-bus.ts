import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import { Client } from 'pg'
import type { Logger } from 'pino'
import { decodeEnvelope, makeFanOut, type Invalidation, type InvalidationBus } from './invalidations'

export const INVALIDATION_CHANNEL = 'imgtier_invalidations'

export interface PgInvalidationBusOptions {
  /** Where the listener connects (its own connection, outside the pool: LISTEN holds it). */
  readonly connectionString: string
  /** Publishes through the pool. */
  readonly knex: Knex
  readonly logger: Logger
  /** First wait before reconnecting a lost listener; doubles up to 5 s. */
  readonly reconnectDelayMs?: number
}

export interface PgInvalidationBus extends InvalidationBus {
  /** The listener's Postgres backend pid while connected (tests terminate it). */
  listenerPid(): number | undefined
  /** Resolves once the listener is connected (again). */
  connected(): Promise<void>
  readonly stats: () => { readonly connects: number; readonly disconnects: number; readonly received: number; readonly publishFailures: number }
}

/**
 * Invalidations across instances through Postgres LISTEN/NOTIFY. A write applies its
 * invalidation in this process synchronously, then NOTIFYs; every other instance's
 * listener applies it on arrival (milliseconds). While the listener is away nothing can
 * be heard, so losing it and getting it back each signal `all`: the caches drop
 * everything, and the TTL bounds whatever was loaded in between.
 */
export const pgInvalidationBus = (opts: PgInvalidationBusOptions): PgInvalidationBus => {
  const self = randomUUID()
  const fanOut = makeFanOut()
  const baseDelay = opts.reconnectDelayMs ?? 250
  const counts = { connects: 0, disconnects: 0, received: 0, publishFailures: 0 }
  let client: Client | undefined
  let pid: number | undefined
  let closed = false
  let delay = baseDelay
  let retry: NodeJS.Timeout | undefined
  let waiters: (() => void)[] = []

  const lost = (c: Client, err?: unknown) => {
    if (client !== c) return
    client = undefined
    pid = undefined
    counts.disconnects++
    c.removeAllListeners('notification')
    c.end().catch(() => undefined)
    if (closed) return
    opts.logger.warn({ err }, 'cache invalidation listener lost; caches dropped, reconnecting')
    fanOut.emit({ kind: 'all' })
    schedule()
  }

  const schedule = () => {
    retry = setTimeout(() => {
      retry = undefined
      connect().catch(() => undefined)
    }, delay)
    retry.unref()
    delay = Math.min(delay * 2, 5_000)
  }

  const connect = async (): Promise<void> => {
    const c = new Client({ connectionString: opts.connectionString, application_name: 'imgtier-invalidations', connectionTimeoutMillis: 5_000 })
    c.on('error', (err) => lost(c, err))
    c.on('end', () => lost(c))
    c.on('notification', (msg) => {
      const envelope = msg.channel === INVALIDATION_CHANNEL ? decodeEnvelope(msg.payload) : undefined
      if (envelope === undefined || envelope.from === self) return
      counts.received++
      fanOut.emit(envelope.what)
    })
    try {
      await c.connect()
      await c.query(`LISTEN ${INVALIDATION_CHANNEL}`)
      const row: unknown = (await c.query('SELECT pg_backend_pid() AS pid')).rows[0]
      pid = typeof row === 'object' && row !== null && 'pid' in row && typeof row.pid === 'number' ? row.pid : undefined
    } catch (err) {
      c.removeAllListeners()
      c.on('error', () => undefined)
      await c.end().catch(() => undefined)
      if (!closed) {
        opts.logger.warn({ err }, 'cache invalidation listener could not connect; retrying')
        schedule()
      }
      throw err
    }
    if (closed) {
      await c.end().catch(() => undefined)
      return
    }
    client = c
    delay = baseDelay
    counts.connects++
    // Whatever was cached before this connection may have missed notifications.
    if (counts.connects > 1) {
      opts.logger.info('cache invalidation listener reconnected; caches dropped')
      fanOut.emit({ kind: 'all' })
    }
    for (const w of waiters) w()
    waiters = []
  }

  const bus: PgInvalidationBus = {
    publish: async (what: Invalidation) => {
      fanOut.emit(what)
      try {
        await opts.knex.raw('SELECT pg_notify(?, ?)', [INVALIDATION_CHANNEL, JSON.stringify({ from: self, what })])
      } catch (err) {
        counts.publishFailures++
        opts.logger.warn({ err, what }, 'cache invalidation not sent; other instances catch up within the cache TTL')
      }
    },
    subscribe: fanOut.subscribe,
    listenerPid: () => pid,
    connected: () => (client !== undefined ? Promise.resolve() : new Promise<void>((resolve) => { waiters.push(resolve) })),
    stats: () => ({ ...counts }),
    close: async () => {
      closed = true
      if (retry) clearTimeout(retry)
      const c = client
      client = undefined
      for (const w of waiters) w()
      waiters = []
      await c?.end().catch(() => undefined)
    },
  }
  // A failure to connect is retried in the background; the TTL bounds staleness meanwhile.
  connect().catch(() => undefined)
  return bus
}
