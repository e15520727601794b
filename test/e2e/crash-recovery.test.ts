import { expect } from 'chai'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startTestServer } from '../support/server'

/** Partial files (`<blob>@.<hex>.tmp`) under dir, relative to it. */
export const temporariesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /@\.[0-9a-f]{12}\.tmp$/.test(e.name))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort()

describe('crash recovery: partial files at start', function () {
  this.timeout(60_000)

  it('removes the partial files an interrupted write left, once they are older than any write in flight', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'imgtier-partials-'))
    try {
      const blobs = path.join(dataDir, 'blobs')
      const partial = (rel: string, at: Date) => {
        const file = path.join(blobs, rel)
        mkdirSync(path.dirname(file), { recursive: true })
        writeFileSync(file, Buffer.alloc(64 * 1024, 7))
        utimesSync(file, at, at)
      }
      const id = randomUUID()
      // The test server's clock reads 2026-01-15T12:00Z: one partial is a day older, one a minute.
      partial(`originals/${id}@.0123456789ab.tmp`, new Date('2026-01-14T12:00:00Z'))
      partial(`thumbnails/${id}/200@.0123456789ab.tmp`, new Date('2026-01-14T12:00:00Z'))
      partial(`originals/${randomUUID()}@.ba9876543210.tmp`, new Date('2026-01-15T11:59:00Z'))
      const before = temporariesUnder(blobs)
      expect(before).to.have.length(3)
      const server = await startTestServer({ dataDir })
      try {
        expect(temporariesUnder(blobs)).to.deep.equal(before.filter((f) => f.includes('ba9876543210')))
        expect(readdirSync(path.join(blobs, 'thumbnails'))).to.deep.equal([]) // its emptied folder pruned
      } finally {
        await server.close()
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
