import type { Readable } from 'node:stream'
import type { Context } from 'koa'

/**
 * A route's answer as data: its status, the headers it adds and its body. Koa sends it
 * (sendAnswer), and so do the routes answered before Koa (fast-routes.ts), so both ways
 * answer alike.
 */
export interface Answer {
  readonly status: number
  readonly headers: ReadonlyArray<readonly [string, string]>
  /**
   * Text, bytes, a stream (destroyed unread on HEAD), explicitly nothing (`Content-Length: 0`),
   * or none (304, HEAD). Text goes out with the head in one write; bytes take a second buffer.
   */
  readonly body?: string | Buffer | Readable | null
}

/** Sends an answer through Koa. */
export const sendAnswer = (ctx: Context, answer: Answer): void => {
  for (const [name, value] of answer.headers) ctx.set(name, value)
  // Set after the headers, Koa keeps their Content-Type and Content-Length. A null body goes
  // before the status: Koa turns a null body set after the status into a 204.
  if (answer.body !== undefined) ctx.body = answer.body
  ctx.status = answer.status
}

/** A JSON document as an answer (what the edge would make of an object body, made here once). */
export const jsonAnswer = (status: number, document: unknown, headers: ReadonlyArray<readonly [string, string]> = []): Answer => {
  const body = JSON.stringify(document)
  return { status, headers: [...headers, ['Content-Type', 'application/json; charset=utf-8'], ['Content-Length', String(Buffer.byteLength(body))]], body }
}
