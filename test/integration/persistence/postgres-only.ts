import type { Database } from '../../../adapters/persistence'
import { reportService } from '../../support/services'

/**
 * A Postgres-only test on a machine without Postgres (no TEST_DATABASE_URL, no
 * container runtime) cannot run; it says so in the run's summary and is marked
 * pending rather than silently passing.
 */
export const requirePostgres = async <A = Database>(ctx: Mocha.Context, make: () => Promise<A | undefined>): Promise<A> => {
  const db = await make()
  if (db === undefined) {
    reportService('postgres-only tests', 'NOT RUN: no real Postgres (set TEST_DATABASE_URL or start a container runtime)')
    ctx.skip()
  }
  return db
}
