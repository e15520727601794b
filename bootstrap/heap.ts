import { setFlagsFromString } from 'node:v8'

/** V8's own flag: a node command line that sets it wins over ours. */
const FLAG = '--heap-growing-percent'

/**
 * How far V8's old generation may grow past what a full collection left live before the
 * next one starts: 100 %, where V8 on its own allowed ~45 % here. Uploads and first renders
 * allocate a few hundred KB each that die young, and with V8's own margin the old
 * generation's limit sat so close to its size that V8 started a full collection every
 * ~250 ms under load (every ~25 first renders or ~40 uploads), 1–2 ms of CPU per request
 * on its helper threads. At 100 % there are a few per bench run (BENCHMARKS.md, "12-07,
 * late"), and the cost is bounded: the old generation grows to at most twice its live size.
 * V8 reads the factor at each collection, so setting it once the process runs takes effect.
 * The server's process only (main.ts, and the bench that stands in for it): an embedder's
 * process is its own to tune.
 */
export const tuneHeapForServing = (execArgv: readonly string[] = process.execArgv, set: (flags: string) => void = setFlagsFromString): void => {
  if (execArgv.some((arg) => arg === FLAG || arg.startsWith(`${FLAG}=`))) return
  set(`${FLAG}=100`)
}
