/**
 * Runs the target checkout's bench/render.ts (argv[2]: its directory) and prints its
 * rows as one JSON line; the render engineer's harness measures, this only carries.
 */
import path from 'node:path'

const main = async () => {
  const target = process.argv[2] ?? '.'
  const mod: unknown = await import(path.join(target, 'bench', 'render.ts'))
  const renderRows = typeof mod === 'object' && mod !== null && 'renderRows' in mod && typeof mod.renderRows === 'function' ? mod.renderRows : undefined
  if (renderRows === undefined) throw new Error(`${target}/bench/render.ts exports no renderRows()`)
  const rows: unknown = await renderRows({ databaseUrl: process.env.DATABASE_URL, log: (line: string) => process.stderr.write(`  ${line}\n`) })
  process.stdout.write(`${JSON.stringify(rows)}\n`)
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
