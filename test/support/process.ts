import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { freePort } from './server'

/**
 * imgtier as `npm start` runs it, in a process of its own: signals, exit codes and the
 * kernel's view of its sockets are the real ones (an in-process server shares the test's
 * event loop and hides them).
 */
export interface ImgtierProcess {
  readonly child: ChildProcess
  readonly url: string
  readonly admin: { readonly username: string; readonly password: string }
  output(): string
  /** Resolves with the exit code once the process has ended. */
  exited(): Promise<number | null>
  /** Kills it if still running and removes its data dir. */
  dispose(): Promise<void>
}

const ROOT = path.resolve(__dirname, '../..')

export const startImgtierProcess = async (env: Readonly<Record<string, string>> = {}): Promise<ImgtierProcess> => {
  const port = await freePort()
  const dataDir = mkdtempSync(path.join(tmpdir(), 'imgtier-proc-'))
  const admin = { username: 'admin', password: randomBytes(12).toString('base64url') }
  const full: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, HOME: process.env.HOME,
    PORT: String(port), HOST: '127.0.0.1', IMGTIER_DATA_DIR: dataDir, LOG_LEVEL: 'info',
    IMGTIER_ADMIN_USERNAME: admin.username, IMGTIER_ADMIN_PASSWORD: admin.password, IMGTIER_RATE_LIMITS: 'off',
    ...env,
  }
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'bootstrap/main.ts'], { cwd: ROOT, env: full, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr?.on('data', (d: Buffer) => { out += d.toString() })
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const dispose = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exit
    }
    rmSync(dataDir, { recursive: true, force: true })
  }
  const deadline = Date.now() + 90_000
  while (!out.includes('imgtier listening')) {
    if (child.exitCode !== null) {
      await dispose()
      throw new Error(`imgtier exited ${child.exitCode}:\n${out}`)
    }
    if (Date.now() > deadline) {
      await dispose()
      throw new Error(`imgtier did not start:\n${out}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return { child, url: `http://127.0.0.1:${port}`, admin, output: () => out, exited: () => exit, dispose }
}
