import type { Command } from 'commander'
import { RECONCILE_GRACE_MS } from '../../application/use-cases/reconcile-blobs'
import { migrateLatest, migrateRollback } from '../../adapters/persistence'
import { openDatabaseAtStart } from '../start-backends'
import pino from 'pino'
import { CliFailure, configOrExit, EXIT, orFail, output, withCore } from './session'

export const maintenanceCommands = (program: Command): void => {
  program.command('migrate').description('apply the database migrations (or undo the last batch)')
    .option('--rollback', 'undo the last batch of migrations')
    .option('--all', 'with --rollback: undo every migration')
    .option('--json', 'machine-readable output')
    .action(async (opts: { rollback?: boolean; all?: boolean; json?: boolean }) => {
      if (opts.all && !opts.rollback) throw new CliFailure('--all goes with --rollback', EXIT.usage)
      const config = configOrExit()
      // Never migrated on open here: a rollback must not first apply what it undoes.
      const db = await openDatabaseAtStart({ ...config, migrateOnStart: false }, pino({ level: 'warn' }, pino.destination(2)))
      try {
        const names = opts.rollback ? await migrateRollback(db.knex, Boolean(opts.all)) : await migrateLatest(db.knex)
        const verb = opts.rollback ? 'rolled back' : 'applied'
        output(Boolean(opts.json), { [opts.rollback ? 'rolledBack' : 'applied']: names },
          () => (names.length > 0 ? `${verb}: ${names.join(', ')}` : opts.rollback ? 'nothing to roll back' : 'already up to date'))
      } finally {
        await db.close()
      }
    })

  program.command('reconcile').description('remove blobs (and stale temporary files) that no image row accounts for')
    .option('--grace-minutes <n>', 'leave blobs younger than this alone (an upload may be between its blob and its row)', String(RECONCILE_GRACE_MS / 60_000))
    .option('--json', 'machine-readable output')
    .action(async (opts: { graceMinutes: string; json?: boolean }) => {
      const minutes = Number(opts.graceMinutes)
      if (!Number.isFinite(minutes) || minutes < 0) throw new CliFailure('--grace-minutes takes a number of minutes', EXIT.usage)
      await withCore(async (core) => {
        const report = await orFail(core.useCases.reconcileBlobs(minutes * 60_000), (e) => e._tag)
        output(Boolean(opts.json), report, () => JSON.stringify(report))
      })
    })
}
