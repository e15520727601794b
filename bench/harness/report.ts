import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'

/** One side of a comparison: a figure, with latencies when it is a throughput. */
export interface Figure {
  readonly name: string
  readonly value: number
  readonly p50Ms?: number
  readonly p99Ms?: number
  /** The server's CPU time (all threads) per request answered, in µs: the work, not the share of cores it got. */
  readonly cpuUsPerRequest?: number
}

export interface Ratio {
  readonly against: string
  readonly ratio: number
  /** The issue's target, e.g. "≥ 0.75", or "—" when it sets none. */
  readonly target: string
  readonly met?: boolean
  /** The ratio of each alternating round, when there were several (`ratio` is their median). */
  readonly rounds?: readonly number[]
}

export interface ResultRow {
  readonly key: string
  readonly name: string
  readonly unit: string
  readonly imgtier?: Figure
  readonly baselines: readonly Figure[]
  readonly ratios: readonly Ratio[]
  /** Why there is no figure: never an invented one. */
  readonly notMeasured?: string
  readonly note?: string
}

export interface Results {
  readonly when: string
  readonly target: { readonly dir: string; readonly commit: string }
  readonly machine: { readonly nproc: number; readonly memoryGB: number; readonly cpu: string; readonly node: string; readonly loadAverage: readonly number[] }
  readonly database: string
  readonly load: string
  readonly rows: readonly ResultRow[]
}

export const machine = (): Results['machine'] => ({
  nproc: os.availableParallelism(),
  memoryGB: Math.round(os.totalmem() / 2 ** 30),
  cpu: os.cpus()[0]?.model ?? 'unknown',
  node: process.version,
  loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
})

export const commitOf = (dir: string): string => {
  try {
    return execFileSync('git', ['-C', dir, 'log', '-1', '--format=%h %s'], { encoding: 'utf8' }).trim()
  } catch {
    return 'unknown'
  }
}

/** A ratio against a target like "≥ 0.75" or "≤ 1.5". */
export const ratio = (against: string, value: number, base: number, target = '—'): Ratio => {
  const r = value / base
  const bound = Number(target.replace(/[^0-9.]/g, ''))
  return { against, ratio: r, target, ...(target === '—' ? {} : { met: target.startsWith('≤') ? r <= bound : r >= bound }) }
}

const fmt = (n: number | undefined, unit = ''): string =>
  n === undefined ? '' : `${n >= 100 ? Math.round(n).toLocaleString('en-US').replace(/,/g, ' ') : n.toFixed(n >= 10 ? 1 : 2)}${unit}`

const cpu = (f: Figure | undefined) => (f?.cpuUsPerRequest === undefined ? '' : `, ${fmt(f.cpuUsPerRequest)} µs CPU/req`)

const latency = (f: Figure | undefined) => (f?.p50Ms === undefined ? '' : `${fmt(f.p50Ms)} / ${fmt(f.p99Ms)}`)

const ratioText = (r: Ratio) =>
  `${r.ratio.toFixed(2)} vs ${r.against}${r.target === '—' ? '' : ` (${r.target} ${r.met === true ? 'met' : 'MISSED'})`}${r.rounds ? ` [rounds ${r.rounds.map((x) => x.toFixed(2)).join(' ')}]` : ''}`

/** The one table `npm run bench` prints. */
export const printTable = (res: Results, out: (line: string) => void = console.log) => {
  out(`\nimgtier bench — ${res.target.commit}\n${res.database}; ${res.load}`)
  out(`machine: ${res.machine.nproc} cores (${res.machine.cpu}), ${res.machine.memoryGB} GB, node ${res.machine.node}, load average ${res.machine.loadAverage.join(' ')}\n`)
  const lines = res.rows.map((r) => [
    r.name,
    r.notMeasured !== undefined ? `not measured: ${r.notMeasured}` : `${fmt(r.imgtier?.value)} ${r.unit}${cpu(r.imgtier)}`,
    latency(r.imgtier),
    r.baselines.map((b) => `${b.name} ${fmt(b.value)}${cpu(b)}`).join('; '),
    r.ratios.map(ratioText).join('; '),
  ])
  const head = ['row', 'imgtier', 'p50/p99 ms', 'baselines (same run)', 'ratios']
  const widths = head.map((h, i) => Math.min(60, Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length))))
  for (const l of [head, widths.map((w) => '-'.repeat(w)), ...lines]) out(l.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  '))
}

const markdownRows = (after: Results, before: Results | undefined): string[] => {
  const beforeRow = (key: string) => before?.rows.find((r) => r.key === key)
  const cell = (r: ResultRow | undefined) =>
    r === undefined ? 'not run' : r.notMeasured !== undefined ? `not measured (${r.notMeasured})` : `${fmt(r.imgtier?.value)} ${r.unit}${r.imgtier?.p50Ms === undefined ? '' : ` (p50 ${fmt(r.imgtier.p50Ms)} / p99 ${fmt(r.imgtier.p99Ms)} ms)`}${cpu(r.imgtier)}`
  const ratios = (r: ResultRow | undefined) =>
    r === undefined || r.notMeasured !== undefined ? '' : [...r.ratios.map(ratioText), ...(r.note ? [`<i>${r.note}</i>`] : [])].join('<br>')
  const baselines = (r: ResultRow | undefined) => r?.baselines.map((b) => `${b.name}: ${fmt(b.value)}${cpu(b)}`).join('<br>') ?? ''
  return [
    '| row | before | ratios before | after | baselines (after run) | ratios after |',
    '|---|---|---|---|---|---|',
    ...after.rows.map((r) => `| ${r.name} | ${cell(beforeRow(r.key))} | ${ratios(beforeRow(r.key))} | ${cell(r)} | ${baselines(r)} | ${ratios(r)} |`),
  ]
}

const START = '<!-- bench:figures (written by npm run bench; edit outside these markers) -->'
const END = '<!-- /bench:figures -->'

/** Rewrites the figures block of BENCHMARKS.md from the latest results (and the baseline's). */
export const recordInMarkdown = (file: string, after: Results, before: Results | undefined) => {
  const describe = (label: string, r: Results) =>
    `- **${label}**: \`${r.target.commit}\`, ${r.when}; ${r.database}; ${r.load}; machine ${r.machine.nproc} cores (${r.machine.cpu}), ${r.machine.memoryGB} GB, node ${r.machine.node}, load average at the end ${r.machine.loadAverage.join(' ')}.`
  const block = [
    START,
    ...(before ? [describe('before', before)] : ['- **before**: not run (see "Before and after" below).']),
    describe('after', after),
    '',
    ...markdownRows(after, before),
    END,
  ].join('\n')
  const text = existsSync(file) ? readFileSync(file, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`
  const [head, rest] = text.includes(START) ? [text.slice(0, text.indexOf(START)), text.slice(text.indexOf(END) + END.length)] : [`${text}\n`, '\n']
  writeFileSync(file, `${head}${block}${rest}`)
}

export const readResults = (file: string): Results | undefined => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined)
