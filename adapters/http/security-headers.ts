import { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import helmet, { type HelmetOptions } from 'helmet'

export type HeaderList = ReadonlyArray<readonly [string, string]>

/**
 * The headers helmet sets with these options, read off one real response. They depend
 * on nothing in the request (no nonce is configured), so one computation serves all.
 */
export const helmetHeaders = (options: HelmetOptions): HeaderList => {
  const res = new ServerResponse(new IncomingMessage(new Socket()))
  // Names as helmet spells them (getHeaderNames lower-cases them): the wire stays as it was.
  const spelled = new Map<string, string>()
  const setHeader = res.setHeader.bind(res)
  res.setHeader = (name, value) => {
    spelled.set(name.toLowerCase(), name)
    return setHeader(name, value)
  }
  let done = false
  helmet(options)(res.req, res, (err?: unknown) => {
    if (err !== undefined) throw err
    done = true
  })
  // helmet finishes synchronously today; if a release ever did not, failing here beats sending no headers.
  if (!done) throw new Error('helmet did not finish synchronously: security headers cannot be precomputed')
  return res.getHeaderNames().map((name) => {
    const value = res.getHeader(name)
    return [spelled.get(name) ?? name, Array.isArray(value) ? value.join(', ') : String(value)] as const
  })
}
