import * as E from 'fp-ts/Either'
import { existsSync } from 'node:fs'
import * as path from 'node:path'
import { CONSOLE_DIR } from '../adapters/http/routes/console'
import { loadConfig } from './config'
import { tuneHeapForServing } from './heap'
import { createImgtier } from './imgtier'

/** `npm start`: decode the environment, build imgtier, listen, stop cleanly on a signal. */
const main = async (): Promise<void> => {
  tuneHeapForServing()
  const config = loadConfig(process.env)
  if (E.isLeft(config)) {
    console.error('imgtier: configuration problems:')
    for (const problem of config.left) console.error(`  ${problem}`)
    process.exit(1)
  }
  const imgtier = await createImgtier(config.right)
  const { admin, logger } = imgtier
  if (admin._tag === 'Created' && admin.generatedPassword !== undefined) {
    // Printed once, on the first start: the only time anybody sees it.
    console.log(`\nimgtier: created admin user "${admin.username}" with password: ${admin.generatedPassword}\n` +
      'Keep it safe, or set IMGTIER_ADMIN_USERNAME and IMGTIER_ADMIN_PASSWORD.\n')
  }
  // Before anything says "listening": a supervisor may send SIGTERM the moment it reads that
  // line, and a signal that finds no handler kills the process instead of draining it.
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    imgtier.close().then(() => process.exit(0), (err) => {
      logger.error({ err }, 'shutdown failed')
      process.exit(1)
    })
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  const server = await imgtier.listen()
  const address = server.address()
  const where = typeof address === 'object' && address ? `${address.address}:${address.port}` : String(address)
  // For the person who just ran `npm start`: where to point a browser.
  const built = existsSync(path.join(CONSOLE_DIR, 'index.html'))
  console.log(`imgtier: web console at ${config.right.publicUrl}/console${built ? '' : ' (not built yet: run npm run build:console)'}`)
  logger.info({ listen: where, publicUrl: config.right.publicUrl, database: imgtier.database.kind, storage: config.right.storage }, 'imgtier listening')
}

main().catch((err) => {
  console.error('imgtier: failed to start:', err instanceof Error ? err.message : err)
  process.exit(1)
})
