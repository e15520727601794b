import type { IncomingMessage } from 'node:http'

/** How much of a refused body is still read (and thrown away) after the answer. */
export const LINGER_MAX_BYTES = 8 * 1024 * 1024
export const LINGER_MAX_MS = 2_000
/** Between the FIN that follows the answer and the cut: time for a busy client to read the answer. */
export const CUT_GRACE_MS = 250

/**
 * Lingering close for refused bodies. A client that is still sending when the server
 * answers (413, 401, 415…) and closes sees a reset (EPIPE/ECONNRESET) instead of the
 * answer: the kernel resets a socket closed with unread data. So the answer goes out on
 * a connection that stays open, and the rest of the body is read and discarded, up to
 * LINGER_MAX_BYTES or LINGER_MAX_MS; only a client that sends more than that, or for
 * longer, is cut. A body read to its end leaves the connection reusable. The cut itself
 * is a FIN after the answer, reading stopped, then the reset CUT_GRACE_MS later: a reset
 * that reaches a client before it read the answer can make its kernel drop the answer.
 */
export const discardUnreadBody = (req: IncomingMessage): void => {
  let seen = 0
  const cut = () => {
    stop()
    req.pause()
    req.socket.end()
    setTimeout(() => req.socket.destroy(), CUT_GRACE_MS).unref()
  }
  const onData = (chunk: Buffer) => {
    seen += chunk.length
    if (seen > LINGER_MAX_BYTES) cut()
  }
  const timer = setTimeout(cut, LINGER_MAX_MS)
  timer.unref()
  const stop = () => {
    clearTimeout(timer)
    req.off('data', onData)
    req.off('end', stop)
    req.off('close', stop)
  }
  // Parsers that gave up may have piped the request into a decompressor and paused it.
  req.unpipe()
  req.on('data', onData)
  req.once('end', stop)
  req.once('close', stop)
  req.resume()
}
