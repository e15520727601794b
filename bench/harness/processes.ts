import { execSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

export { freePort } from '../../test/support/server'

/** VmRSS of a process in bytes (Linux), or undefined once it is gone. */
export const rssOf = (pid: number): number | undefined => {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kb === undefined ? undefined : Number(kb) * 1024
  } catch {
    return undefined
  }
}

/** Clock ticks per second of /proc's CPU times (100 on Linux, asked once). */
let ticksPerSecond: number | undefined
const clockTicks = (): number => (ticksPerSecond ??= Number(execSync('getconf CLK_TCK', { encoding: 'utf8' }).trim()) || 100)

/**
 * CPU time a process has used so far, all its threads, user and system, in ms (Linux), or
 * undefined once it is gone: the work a load cost the server, whatever share of the
 * machine's cores the scheduler gave it beside the load generator.
 */
export const cpuMsOf = (pid: number): number | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks()
  } catch {
    return undefined
  }
}

/** Samples a process's RSS every `everyMs` until stopped; each phase keeps its own peak. */
export const rssSampler = (pid: number, everyMs = 100) => {
  let peak = 0
  let phasePeak = 0
  const timer = setInterval(() => {
    const rss = rssOf(pid) ?? 0
    peak = Math.max(peak, rss)
    phasePeak = Math.max(phasePeak, rss)
  }, everyMs)
  timer.unref()
  return {
    peak: () => Math.max(peak, rssOf(pid) ?? 0),
    /** The peak since the last call. */
    phase: () => { const p = Math.max(phasePeak, rssOf(pid) ?? 0); phasePeak = 0; return p },
    now: () => rssOf(pid) ?? 0,
    stop: () => clearInterval(timer),
  }
}

/**
 * The target's own `npm start` command: the steps before the last `&&` (a build) run to
 * completion here; the last, `[NAME=value …] node …`, is spawned directly (with those
 * variables, as the shell would set them) so that the pid sampled is the server's, not
 * npm's or a shell's.
 */
const startCommand = (dir: string): { readonly before: readonly string[]; readonly node: readonly string[]; readonly env: Readonly<Record<string, string>> } => {
  const pkg: unknown = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'))
  const start = typeof pkg === 'object' && pkg !== null && 'scripts' in pkg && typeof pkg.scripts === 'object' && pkg.scripts !== null && 'start' in pkg.scripts ? String(pkg.scripts.start) : ''
  const steps = start.split('&&').map((step) => step.trim())
  const words = (steps.pop() ?? '').split(/\s+/)
  const env: Record<string, string> = {}
  for (let word = words[0] ?? ''; /^[A-Za-z_]\w*=/.test(word); words.shift(), word = words[0] ?? '') {
    env[word.slice(0, word.indexOf('='))] = word.slice(word.indexOf('=') + 1)
  }
  if (words[0] !== 'node') throw new Error(`${dir}: cannot run "npm start" (${start}) without npm`)
  return { before: steps, node: words.slice(1), env }
}

export interface Running {
  readonly child: ChildProcess
  readonly pid: number
  stop(): Promise<void>
}

const stopper = (child: ChildProcess) => async () => {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const late = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(late)
}

/**
 * The environment a measured imgtier runs with: on 127.0.0.1:`port`, rate limits and (where
 * the target knows it) the access log off, LOG_LEVEL=warn, Postgres when given.
 */
export const imgtierEnv = (o: {
  readonly target: string; readonly port: number; readonly dataDir: string; readonly jwtSecret: string; readonly adminPassword: string; readonly databaseUrl?: string
}): NodeJS.ProcessEnv => {
  const knows = (name: string) => readFileSync(path.join(o.target, 'bootstrap', 'config.ts'), 'utf8').includes(name)
  return {
    PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(o.port), HOST: '127.0.0.1', LOG_LEVEL: 'warn',
    IMGTIER_DATA_DIR: o.dataDir, IMGTIER_PUBLIC_URL: `http://127.0.0.1:${o.port}`, IMGTIER_RATE_LIMITS: 'off',
    IMGTIER_ADMIN_USERNAME: 'admin', IMGTIER_ADMIN_PASSWORD: o.adminPassword,
    IMGTIER_JWT_SECRET: o.jwtSecret, IMGTIER_LINK_KEYS: `b1:${randomBytes(32).toString('hex')}`,
    ...(knows('IMGTIER_ACCESS_LOG') ? { IMGTIER_ACCESS_LOG: 'off' } : {}),
    ...(o.databaseUrl !== undefined ? { DATABASE_URL: o.databaseUrl } : {}),
  }
}

/** Starts the imgtier in `dir` with `env` and waits for /healthz. */
export const startImgtier = async (dir: string, env: NodeJS.ProcessEnv, base: string): Promise<Running> => {
  const command = startCommand(dir)
  for (const step of command.before) execSync(step, { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] })
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server under the very load the bench applies.
  const extra = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter((a) => a !== '')
  const child = spawn(process.execPath, [...extra, ...command.node], { cwd: dir, env: { ...env, ...command.env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const keep = (b: Buffer) => { output = (output + b.toString()).slice(-4000) }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`imgtier in ${dir} exited with ${child.exitCode}:\n${output}`)
    const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false)
    if (ok) return { child, pid: child.pid ?? 0, stop: stopper(child) }
    await sleep(100)
  }
  child.kill('SIGKILL')
  throw new Error(`imgtier in ${dir} did not answer /healthz within 120 s:\n${output}`)
}

/** Starts bench/baselines.ts and reads the ports it listens on. */
export const startBaselines = async (settings: object): Promise<Running & { ports: Record<string, number> }> => {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(__dirname, '..', 'baselines.ts'), JSON.stringify(settings)], {
    cwd: path.join(__dirname, '..', '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const ports = await new Promise<Record<string, number>>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString()
      const line = out.split('\n').find((l) => l.startsWith('{"ports"'))
      if (line !== undefined) resolve(JSON.parse(line).ports)
    })
    child.once('exit', (code) => reject(new Error(`bench/baselines.ts exited with ${code}`)))
  })
  return { child, pid: child.pid ?? 0, ports, stop: stopper(child) }
}
