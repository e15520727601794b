import path from 'node:path'

export const ROW_KEYS = ['healthz', 'me', 'list', 'link-post', 'thumbnail', 'thumbnail-304', 'link-get', 'scale', 'render', 'memory'] as const
export type RowKey = (typeof ROW_KEYS)[number]

export interface Options {
  /** The imgtier checkout to measure (its `npm start` is what runs). */
  readonly target: string
  readonly out: string
  readonly markdown: string
  readonly seconds: number
  /** Hot-path rows: imgtier and its baselines alternate this many times; medians are reported. */
  readonly rounds: number
  readonly warmupSeconds: number
  readonly connections: number
  readonly rows: ReadonlySet<RowKey>
  readonly scale: readonly number[]
  readonly database: 'auto' | 'pglite'
}

const USAGE = `npm run bench -- [--quick] [--seconds N] [--rounds N] [--rows ${ROW_KEYS.join(',')}] [--scale 1000,1000000]
                     [--target DIR] [--out FILE] [--pglite]
Environment: BENCH_SECONDS, BENCH_ROUNDS, BENCH_ROWS, BENCH_SCALE, BENCH_TARGET (same meaning); DATABASE_URL picks the Postgres server;
BENCH_SERVER_NODE_ARGS adds node flags to the measured server (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").`

const ROOT = path.join(__dirname, '..', '..')

/** Flags win over the environment, which wins over the defaults (a full run of ~5 min). */
export const parseOptions = (argv: readonly string[], env: NodeJS.ProcessEnv): Options => {
  const flags = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? ''
    if (a === '--help' || a === '-h') throw new Error(USAGE)
    if (a === '--quick' || a === '--pglite') flags.set(a.slice(2), 'true')
    else if (a.startsWith('--') && a.includes('=')) flags.set(a.slice(2, a.indexOf('=')), a.slice(a.indexOf('=') + 1))
    else if (a.startsWith('--') && argv[i + 1] !== undefined) flags.set(a.slice(2), argv[++i] ?? '')
    else throw new Error(`unknown argument ${a}\n${USAGE}`)
  }
  const pick = (flag: string, envName: string) => flags.get(flag) ?? env[envName]
  const quick = flags.has('quick')
  const seconds = Number(pick('seconds', 'BENCH_SECONDS') ?? (quick ? 2 : 3))
  const rounds = Number(pick('rounds', 'BENCH_ROUNDS') ?? (quick ? 1 : 3))
  const rows = (pick('rows', 'BENCH_ROWS') ?? ROW_KEYS.join(',')).split(',').map((r) => r.trim())
  const unknown = rows.filter((r) => !(ROW_KEYS as readonly string[]).includes(r))
  if (unknown.length > 0 || !(seconds > 0) || !Number.isInteger(rounds) || rounds < 1) throw new Error(`bad --rows (${unknown.join(',')}), --seconds or --rounds\n${USAGE}`)
  const scale = (pick('scale', 'BENCH_SCALE') ?? (quick ? '1000,100000' : '1000,1000000')).split(',').map(Number)
  if (scale.length !== 2 || scale.some((n) => !Number.isSafeInteger(n) || n < 100)) throw new Error(`--scale wants two sizes, small,large\n${USAGE}`)
  return {
    target: path.resolve(pick('target', 'BENCH_TARGET') ?? ROOT),
    out: path.resolve(flags.get('out') ?? path.join(ROOT, 'bench', 'results.json')),
    markdown: path.join(ROOT, 'BENCHMARKS.md'),
    seconds,
    rounds,
    warmupSeconds: 1,
    connections: 10,
    rows: new Set(rows.filter((r): r is RowKey => (ROW_KEYS as readonly string[]).includes(r))),
    scale,
    database: flags.has('pglite') ? 'pglite' : 'auto',
  }
}
