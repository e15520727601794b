import { connect } from 'node:net'

/**
 * One HTTP/1.1 request written byte for byte on its own connection: what fetch refuses to
 * send (NUL or raw bytes in a path or header, a lying Content-Encoding) goes out as is.
 */
export interface RawRequest {
  readonly method: string
  /** The request target exactly as sent (already percent-encoded, or not). */
  readonly target: string
  /** Header lines as [name, value]; values are sent as latin1 bytes. */
  readonly headers: readonly (readonly [string, string])[]
  readonly body?: Buffer
}

export interface RawReply {
  /** The status of the answer, or undefined when the connection ended without one. */
  readonly status?: number
  readonly head: string
  readonly body: string
  readonly ms: number
}

export const rawRequest = (port: number, req: RawRequest, timeoutMs = 10_000): Promise<RawReply> =>
  new Promise((resolve) => {
    const started = Date.now()
    const chunks: Buffer[] = []
    const socket = connect(port, '127.0.0.1')
    const finish = () => {
      clearTimeout(timer)
      const text = Buffer.concat(chunks).toString('latin1')
      const split = text.indexOf('\r\n\r\n')
      const head = split >= 0 ? text.slice(0, split) : text
      const status = /^HTTP\/1\.[01] (\d{3}) /.exec(head)?.[1]
      resolve({ status: status === undefined ? undefined : Number(status), head, body: split >= 0 ? text.slice(split + 4) : '', ms: Date.now() - started })
    }
    const timer = setTimeout(() => socket.destroy(), timeoutMs)
    socket.on('data', (d: Buffer) => chunks.push(d))
    socket.on('error', () => undefined) // a reset still ends in 'close', with what arrived
    socket.on('close', finish)
    socket.on('connect', () => {
      const body = req.body ?? Buffer.alloc(0)
      const lines = [`${req.method} ${req.target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...req.headers.map(([k, v]) => `${k}: ${v}`)]
      if (req.body !== undefined) lines.push(`Content-Length: ${body.length}`)
      // Not end(): a half-closed client makes Node abort the request (no httpAllowHalfOpen).
      socket.write(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]))
    })
  })
