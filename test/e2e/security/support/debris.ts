import { expect } from 'chai'
import { readdirSync } from 'node:fs'
import path from 'node:path'
import type { TestServer } from '../../../support/server'

/** What an upload may leave behind: rows in `images` and files under the blob root. */
export interface Footprint { readonly rows: number; readonly files: number }

const countFiles = (dir: string): number => {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return 0
    throw err
  }
}

export const footprint = async (server: TestServer): Promise<Footprint> => {
  const [{ n }] = await server.database.knex('images').count({ n: '*' })
  return { rows: Number(n), files: countFiles(path.join(server.imgtier.config.dataDir, 'blobs')) }
}

/**
 * Waits until the footprint equals `before` (an aborted request may still be unwinding
 * when the client gives up), failing with the last one seen.
 */
export const expectFootprint = async (server: TestServer, before: Footprint, withinMs = 2_000): Promise<void> => {
  const deadline = Date.now() + withinMs
  let now = await footprint(server)
  while ((now.rows !== before.rows || now.files !== before.files) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50))
    now = await footprint(server)
  }
  expect(now, 'rows in images and files under the blob root').to.deep.equal(before)
}

/** A multipart body built by hand, so a test can send what no well-behaved client would. */
export interface Part {
  readonly name: string
  readonly fileName?: string
  readonly type?: string
  readonly data: Buffer | string
}

// A part is a file when it has a Content-Type or a file name (adapters/http/multipart.ts); browsers send both.
const typeOf = (p: Part): string | undefined => p.type ?? (p.fileName !== undefined ? 'application/octet-stream' : undefined)

export const multipartBody = (parts: readonly Part[], boundary = 'imgtier-test-boundary'): Buffer =>
  Buffer.concat([
    ...parts.flatMap((p) => [
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.fileName !== undefined ? `; filename="${p.fileName}"` : ''}\r\n` +
        `${typeOf(p) !== undefined ? `Content-Type: ${typeOf(p)}\r\n` : ''}\r\n`, 'utf8'),
      typeof p.data === 'string' ? Buffer.from(p.data, 'utf8') : p.data,
      Buffer.from('\r\n'),
    ]),
    Buffer.from(`--${boundary}--\r\n`),
  ])
