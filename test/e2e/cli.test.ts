import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import * as E from 'fp-ts/Either'
import pino from 'pino'
import { openDatabase } from '../../adapters/persistence'
import { MIGRATION_NAMES } from '../../adapters/persistence/migrations'
import { fsBlobStorage } from '../../adapters/storage/fs-blob-storage'
import { loadConfig } from '../../bootstrap/config'
import { createImgtier } from '../../bootstrap/imgtier'
import { freshPostgresUrl, type EmptyDatabase } from '../support/database'

/** `npm run migrate` and `npm run migrate:rollback` on the configured database (real Postgres when there is one). */
describe('migration CLI (imgtier migrate, reconcile)', function () {
  this.timeout(120_000)
  const root = path.resolve(__dirname, '../..')
  let dataDir: string
  let empty: EmptyDatabase | undefined

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'imgtier-cli-'))
    empty = await freshPostgresUrl()
    if (!empty) console.log('    (no real Postgres: the CLI runs on an embedded PGlite data dir)')
  })
  after(async () => {
    await empty?.drop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  const cli = (...args: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, IMGTIER_DATA_DIR: dataDir }
    if (empty) env.DATABASE_URL = empty.url
    else delete env.DATABASE_URL
    const r = spawnSync(process.execPath, ['bin/imgtier.js', ...args], { cwd: root, env, encoding: 'utf8' })
    return { code: r.status, out: `${r.stdout}${r.stderr}` }
  }

  it('applies every migration, is then up to date, rolls back all and applies again', () => {
    const first = cli('migrate')
    expect(first.code, first.out).to.equal(0)
    for (const name of MIGRATION_NAMES) expect(first.out).to.include(name)
    expect(cli('migrate').out).to.include('already up to date')
    const back = cli('migrate', '--rollback', '--all')
    expect(back.code, back.out).to.equal(0)
    for (const name of MIGRATION_NAMES) expect(back.out).to.include(name)
    expect(cli('migrate', '--rollback').out).to.include('nothing to roll back')
    expect(cli('migrate').code).to.equal(0)
  })

  it('reconciles: removes a blob no row accounts for, and reports what it did', async () => {
    expect(cli('migrate').code).to.equal(0)
    const orphan = '11111111-1111-4111-8111-111111111111'
    const put = await fsBlobStorage(path.join(dataDir, 'blobs', 'originals')).put(orphan, Buffer.from('lost'), 'image/jpeg')()
    expect(put._tag).to.equal('Right')
    const young = cli('reconcile')
    expect(young.code, young.out).to.equal(0)
    expect(JSON.parse(young.out.trim().split('\n').pop() ?? '{}')).to.deep.include({ removed: [], spared: [orphan] })
    const now = cli('reconcile', '--grace-minutes', '0')
    expect(JSON.parse(now.out.trim().split('\n').pop() ?? '{}')).to.deep.include({ checked: 1, removed: [orphan], spared: [] })
  })

  it('refuses an unknown command or option with a clear message and exit code 2 (usage)', () => {
    const r = cli('migrate:sideways')
    expect(r.code).to.equal(2)
    expect(r.out).to.match(/unknown command 'migrate:sideways'/)
    const bad = cli('migrate', '--all')
    expect(bad.code).to.equal(2)
    expect(bad.out).to.include('--all goes with --rollback')
  })

  it('with IMGTIER_MIGRATE=false, start-up leaves the schema alone (migrations are the operator\'s step)', async function () {
    const blank = await freshPostgresUrl()
    if (!blank) {
      console.log('    (no real Postgres: checked on an empty PGlite data dir instead)')
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'imgtier-nomigrate-'))
    try {
      const env = { IMGTIER_DATA_DIR: dir, IMGTIER_MIGRATE: 'false', LOG_LEVEL: 'silent', IMGTIER_ADMIN_USERNAME: 'admin', IMGTIER_ADMIN_PASSWORD: 'admin-password', ...(blank ? { DATABASE_URL: blank.url } : {}) }
      const config = loadConfig(env)
      if (E.isLeft(config)) throw new Error(config.left.join('; '))
      expect(config.right.migrateOnStart).to.equal(false)
      let refused = ''
      await createImgtier(config.right, { logger: pino({ level: 'silent' }) }).then((app) => app.close(), (e: unknown) => { refused = String(e) })
      expect(refused, 'an unmigrated database cannot serve').to.match(/tiers|relation|does not exist/)
      const db = await openDatabase({ url: blank?.url, pgliteDir: path.join(dir, 'pglite') })
      try {
        expect(await db.knex.schema.hasTable('knex_migrations')).to.equal(false)
      } finally {
        await db.close()
      }
    } finally {
      await blank?.drop()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
