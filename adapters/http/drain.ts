import type { Server, ServerResponse } from 'node:http'
import { Server as NetServer, type Socket } from 'node:net'

export interface DrainReport {
  /** Connections still busy when the grace ran out, and cut. */
  readonly cut: number
  readonly ms: number
}

export interface Drainable {
  /** True from the moment a drain starts (readiness answers 503 from then on). */
  draining(): boolean
  /**
   * Graceful stop: the listening socket closes at once (new connections are refused),
   * idle keep-alive connections are closed, every response from now on says
   * `Connection: close`, and requests in flight finish; whatever is still busy after
   * `graceMs` is cut. Resolves once the last connection is gone.
   */
  drain(graceMs: number): Promise<DrainReport>
}

/**
 * During a drain, a connection with no request in flight is closed once it has been idle
 * this long. Not at once: the last response may have left the server's buffers but still
 * be on its way through the kernel's and the client's, and some clients (Node's fetch)
 * drop a response they are still reading when the connection ends under it.
 */
const IDLE_CLOSE_MS = 1_000
const SWEEP_MS = 100

interface Connection {
  /** Responses not yet flushed to the kernel ('close' comes after the last byte is handed over). */
  active: number
  /** When the last response was flushed, or the connection opened. */
  idleSince: number
}

/**
 * Tracks a server's connections and responses from the start, so that a drain knows which
 * connections are idle. `server.close()` is not used: it calls Node's `closeIdleConnections()`
 * unguarded, which also destroys a connection whose response has ended but whose last bytes
 * still wait in the socket's buffer, cutting a download short.
 */
export const drainable = (server: Server): Drainable => {
  const connections = new Map<Socket, Connection>()
  const responses = new Set<ServerResponse>()
  let draining = false
  let drained: Promise<DrainReport> | undefined

  const closeAfterThis = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close')
  }
  /**
   * Closes the connections that are idle by both measures: Node's (no request being
   * received: a half-sent request is not idle) and ours (no response in flight, none for
   * IDLE_CLOSE_MS). Node's `closeIdleConnections()` asks the parser, which only it can; the
   * connections ours keeps are shielded from it for the length of that synchronous call.
   */
  const closeIdle = (now: number) => {
    const kept = [...connections].filter(([, conn]) => conn.active > 0 || now - conn.idleSince < IDLE_CLOSE_MS).map(([socket]) => socket)
    const shield = (socket: Socket) => { socket.destroy = () => socket }
    for (const socket of kept) shield(socket)
    try {
      server.closeIdleConnections()
    } finally {
      for (const socket of kept) Reflect.deleteProperty(socket, 'destroy') // back to the prototype's
    }
  }

  server.on('connection', (socket: Socket) => {
    connections.set(socket, { active: 0, idleSince: Date.now() })
    socket.once('close', () => connections.delete(socket))
  })
  server.on('request', (req, res: ServerResponse) => {
    const conn = connections.get(req.socket)
    if (conn) conn.active++
    responses.add(res)
    if (draining) closeAfterThis(res)
    res.once('close', () => {
      responses.delete(res)
      if (!conn) return
      conn.active--
      conn.idleSince = Date.now()
    })
  })

  const drain = (graceMs: number): Promise<DrainReport> => {
    draining = true
    const started = Date.now()
    for (const res of responses) closeAfterThis(res)
    return new Promise((resolve) => {
      let cut = 0
      const sweep = setInterval(() => closeIdle(Date.now()), SWEEP_MS)
      const deadline = setTimeout(() => {
        cut = connections.size
        server.closeAllConnections()
      }, graceMs)
      // net's close, not http's (see above): stop listening; the callback runs when the last connection is gone.
      NetServer.prototype.close.call(server, () => {
        clearInterval(sweep)
        clearTimeout(deadline)
        // http's close now only stops its timeout sweep: every connection is gone.
        server.close(() => resolve({ cut, ms: Date.now() - started }))
      })
      closeIdle(Date.now())
    })
  }

  return {
    draining: () => draining,
    drain: (graceMs) => (drained ??= drain(graceMs)),
  }
}
