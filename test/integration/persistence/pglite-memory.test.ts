import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { expect } from 'chai'
import { MIGRATION_NAMES } from '../../../adapters/persistence/migrations'

const ROOT = path.join(__dirname, '..', '..', '..')

/**
 * Opens a fresh PGlite directory the way a server does, in a process of its own, and
 * reports that process's peak RSS (VmHWM): what the server carries for its whole life.
 */
const peakOfOpening = async (dir: string): Promise<{ peakMb: number; migrations: string[] }> => {
  const script = `
    const { readFileSync } = require('node:fs')
    const { openDatabase } = require('./adapters/persistence/database')
    openDatabase({ pgliteDir: ${JSON.stringify(dir)}, migrate: true }).then(async (db) => {
      const migrations = await db.knex('knex_migrations').orderBy('id').pluck('name')
      const peakKb = Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1])
      await db.close()
      console.log(JSON.stringify({ peakMb: peakKb / 1024, migrations }))
    })`
  const { stdout } = await promisify(execFile)(process.execPath, ['-r', '@swc-node/register', '-e', script], { cwd: ROOT })
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}')
}

describe('the embedded PGlite in a long-lived process', function () {
  this.timeout(180_000)
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'imgtier-pglite-memory-'))
  })
  afterEach(async () => rm(dir, { recursive: true, force: true }))

  it('never runs initdb itself: a new data directory is created and migrated by a child that exits', async function () {
    if (process.platform !== 'linux') this.skip() // VmHWM is Linux's
    const opened = await peakOfOpening(path.join(dir, 'pglite'))
    expect(opened.migrations).to.deep.equal(MIGRATION_NAMES)
    // initdb in-process takes a process past ~850 MB (BENCHMARKS.md); a reopen stays well under.
    expect(opened.peakMb, `peak RSS ${opened.peakMb.toFixed(0)} MB`).to.be.below(600)
  })
})
