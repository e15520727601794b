import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { MIGRATION_NAMES } from '../../adapters/persistence/migrations'
import { freshPostgresUrl, type EmptyDatabase } from '../support/database'

/** `npm run migrate` and `npm run migrate:rollback` on the configured database (real Postgres when there is one). */
describe('migration CLI', function () {
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
    const r = spawnSync(process.execPath, ['-r', '@swc-node/register', 'bootstrap/cli.ts', ...args], { cwd: root, env, encoding: 'utf8' })
    return { code: r.status, out: `${r.stdout}${r.stderr}` }
  }

  it('applies every migration, is then up to date, rolls back all and applies again', () => {
    const first = cli('migrate')
    expect(first.code, first.out).to.equal(0)
    for (const name of MIGRATION_NAMES) expect(first.out).to.include(name)
    expect(cli('migrate').out).to.include('already up to date')
    const back = cli('migrate:rollback', '--all')
    expect(back.code, back.out).to.equal(0)
    for (const name of MIGRATION_NAMES) expect(back.out).to.include(name)
    expect(cli('migrate:rollback').out).to.include('nothing to roll back')
    expect(cli('migrate').code).to.equal(0)
  })

  it('refuses an unknown command with a clear message and exit code 1', () => {
    const r = cli('migrate:sideways')
    expect(r.code).to.equal(1)
    expect(r.out).to.match(/unknown command "migrate:sideways"/)
  })
})
