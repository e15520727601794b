import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'

/**
 * PGlite is one process's database: a second process opening the same directory (the
 * CLI beside a running server, a second server) corrupts it or dies in a WASM abort. A
 * lock file beside the directory, holding the owner's pid, turns that into a clear
 * refusal. A lock whose process is gone (a crash, `kill -9`) is taken over.
 */
export class DatabaseInUse extends Error {
  constructor(readonly dir: string, readonly pid: number) {
    super(`the embedded database in ${dir} is in use by process ${pid} (a running imgtier?): stop it first, or use Postgres (DATABASE_URL) to share one database`)
  }
}

export interface PgliteLock { release(): void }

export const lockPgliteDir = (dir: string): PgliteLock => {
  const file = `${dir}.lock`
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx')
      writeSync(fd, `${process.pid}\n`)
      closeSync(fd)
      return { release: () => { if (ownerOf(file) === process.pid) rmSync(file, { force: true }) } }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const owner = ownerOf(file)
      // Our own pid: a previous incarnation (pid 1 in a restarted container), not a rival.
      if (owner !== undefined && owner !== process.pid && alive(owner)) throw new DatabaseInUse(dir, owner)
      rmSync(file, { force: true })
    }
  }
  throw new Error(`could not take the lock ${file}`)
}

const ownerOf = (file: string): number | undefined => {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim())
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists, it is just not ours to signal.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
