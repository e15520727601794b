import path from 'node:path'
import * as E from 'fp-ts/Either'
import { migrateLatest, migrateRollback, openDatabase } from '../adapters/persistence'
import { loadConfig } from './config'

/** `npm run migrate` and `npm run migrate:rollback [-- --all]`, on the configured database. */
const COMMANDS = ['migrate', 'migrate:rollback']

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
      default:
        throw new Error(`unknown command "${command ?? ''}"; use migrate or migrate:rollback`)
    }
  } finally {
    await db.close()
  }
}

run(process.argv[2], process.argv.slice(3)).catch((err) => {
  console.error(`imgtier: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
