import path from 'node:path'
import * as E from 'fp-ts/Either'
import pino from 'pino'
import { RECONCILE_GRACE_MS, reconcileBlobs } from '../application/use-cases/reconcile-blobs'
import { migrateLatest, migrateRollback, objectionImageRepository, openDatabase } from '../adapters/persistence'
import { systemClock } from '../adapters/runtime'
import { loadConfig } from './config'
import { makeStorage } from './storage'

/**
 * Operator commands on the configured database and storage:
 * `npm run migrate`, `npm run migrate:rollback [-- --all]`,
 * `npm run reconcile [-- --grace-minutes N]` (remove blobs no image row accounts for).
 */
const COMMANDS = ['migrate', 'migrate:rollback', 'reconcile']

const run = async (command: string | undefined, args: readonly string[]): Promise<void> => {
  // Refuse a typo before paying for a database connection (a cold PGlite takes seconds).
  if (command === undefined || !COMMANDS.includes(command)) throw new Error(`unknown command "${command ?? ''}"; use ${COMMANDS.join(' or ')}`)
  const config = loadConfig(process.env)
  if (E.isLeft(config)) throw new Error(config.left.join('\n'))
  const db = await openDatabase({ url: config.right.databaseUrl, pgliteDir: path.join(config.right.dataDir, 'pglite') })
  try {
    switch (command) {
      case 'migrate': {
        const applied = await migrateLatest(db.knex)
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date')
        return
      }
      case 'migrate:rollback': {
        const undone = await migrateRollback(db.knex, args.includes('--all'))
        console.log(undone.length ? `rolled back: ${undone.join(', ')}` : 'nothing to roll back')
        return
      }
      case 'reconcile': {
        const graceArg = args[args.indexOf('--grace-minutes') + 1]
        const grace = args.includes('--grace-minutes') ? Number(graceArg) * 60_000 : RECONCILE_GRACE_MS
        if (!Number.isFinite(grace) || grace < 0) throw new Error('--grace-minutes takes a number of minutes')
        const storage = await makeStorage(config.right, pino({ level: 'warn' }))
        const report = await reconcileBlobs({ ...storage, images: objectionImageRepository(db.knex), clock: systemClock() })(grace)()
        if (E.isLeft(report)) throw new Error(`reconcile failed: ${report.left.what}`)
        console.log(JSON.stringify(report.right))
        return
      }
      default:
        throw new Error(`unknown command "${command ?? ''}"; use ${COMMANDS.join(' or ')}`)
    }
  } finally {
    await db.close()
  }
}

run(process.argv[2], process.argv.slice(3)).catch((err) => {
  console.error(`imgtier: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
