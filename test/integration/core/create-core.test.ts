import { expect } from 'chai'
import * as E from 'fp-ts/Either'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { scryptPasswordHasher } from '../../../adapters/auth'
import type { Database } from '../../../adapters/persistence'
import { loadConfig, type Config } from '../../../bootstrap/config'
import { createCore } from '../../../bootstrap/core'
import { freshDatabase } from '../../support/database'

/** Counts the repeating timers started while `run` runs (the purge sweep is one). */
const intervalsStartedBy = async <T>(run: () => Promise<T>): Promise<{ result: T; intervals: number }> => {
  const original = globalThis.setInterval
  let intervals = 0
  globalThis.setInterval = ((...args: Parameters<typeof setInterval>) => { intervals++; return original(...args) }) as typeof setInterval
  try {
    return { result: await run(), intervals }
  } finally {
    globalThis.setInterval = original
  }
}

/** createCore from a config: the bound use-cases, and nothing else unless asked (issue 10 item 2). */
describe('createCore from a config', () => {
  let database: Database
  let dataDir: string
  let config: Config
  const overrides = () => ({ database, passwords: scryptPasswordHasher({ cost: { N: 1024 } }), logger: pino({ level: 'silent' }) })

  beforeEach(async () => {
    database = await freshDatabase()
    dataDir = mkdtempSync(path.join(tmpdir(), 'imgtier-core-'))
    const decoded = loadConfig({ IMGTIER_DATA_DIR: dataDir, LOG_LEVEL: 'silent', IMGTIER_ADMIN_USERNAME: 'root', IMGTIER_ADMIN_PASSWORD: 'a long enough password' })
    if (E.isLeft(decoded)) throw new Error(decoded.left.join('; '))
    config = decoded.right
  })
  afterEach(async () => {
    await database.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('binds the use-cases with no admin, no timer and no HTTP server', async () => {
    const { result: core, intervals } = await intervalsStartedBy(() => createCore(config, { overrides: overrides() }))
    try {
      expect(intervals).to.equal(0)
      expect(core.admin).to.equal(undefined)
      expect(core).not.to.have.property('listen')
      expect(await core.deps.users.anyAdmin()()).to.deep.equal(E.right(false))
      const user = await core.useCases.createUser({ username: 'embedder', password: 'a long enough password' })()
      expect(E.isRight(user) && user.right.username).to.equal('embedder')
    } finally {
      await core.close()
    }
    // The caller's database stays open: the core closes only what it opened.
    expect(await database.ping().then(() => 'up')).to.equal('up')
  })

  it('ensures the admin and runs the purge sweep when asked', async () => {
    const { result: core, intervals } = await intervalsStartedBy(() =>
      createCore(config, { overrides: overrides(), ensureAdmin: true, purgeSweep: true }))
    try {
      expect(core.admin).to.deep.equal({ _tag: 'Created', username: 'root' })
      expect(intervals).to.equal(1)
      expect(await core.deps.users.anyAdmin()()).to.deep.equal(E.right(true))
    } finally {
      await core.close()
    }
  })
})
