/**
 * npm run build:console → dist/console/: the web console (console/src, TypeScript and CSS)
 * bundled and minified by esbuild into content-hashed files, so the API can serve them with
 * a year-long immutable cache, plus index.html (no inline script or style: the console's CSP
 * has no 'unsafe-inline') and manifest.json, the only files the server will serve.
 * `npm start`, `npm run build` and the browser tests run it; it takes well under a second.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { build } from 'esbuild'

const ROOT = path.resolve(__dirname, '..')
export const CONSOLE_OUT_DIR = path.join(ROOT, 'dist', 'console')

export interface ConsoleManifest {
  readonly script: string
  readonly style: string
  readonly files: readonly string[]
}

const page = (m: ConsoleManifest) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>imgtier console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/assets/${m.style}">
<script defer src="/console/assets/${m.script}"></script>
</head><body><div id="app"><p class="boot">Loading the imgtier console…</p></div>
<noscript>The imgtier console needs JavaScript; the API itself works with any HTTP client (see /docs).</noscript>
</body></html>
`

export const buildConsole = async (outDir = CONSOLE_OUT_DIR): Promise<ConsoleManifest> => {
  const result = await build({
    entryPoints: [path.join(ROOT, 'console/src/main.ts'), path.join(ROOT, 'console/src/style.css')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome109', 'firefox115', 'safari15.6'],
    entryNames: '[name]-[hash]',
    outdir: outDir,
    write: false,
    legalComments: 'none',
    logLevel: 'warning',
  })
  const names = result.outputFiles.map((f) => path.basename(f.path))
  const manifest: ConsoleManifest = {
    script: names.find((n) => n.endsWith('.js')) ?? '',
    style: names.find((n) => n.endsWith('.css')) ?? '',
    files: names,
  }
  // Build beside, then swap: a server reading the directory never sees half a build.
  const staging = `${outDir}.${process.pid}.tmp`
  rmSync(staging, { recursive: true, force: true })
  mkdirSync(path.join(staging, 'assets'), { recursive: true })
  for (const f of result.outputFiles) writeFileSync(path.join(staging, 'assets', path.basename(f.path)), f.contents)
  writeFileSync(path.join(staging, 'index.html'), page(manifest))
  writeFileSync(path.join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2))
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(path.dirname(outDir), { recursive: true })
  renameSync(staging, outDir)
  return manifest
}

if (require.main === module) {
  buildConsole().then((m) => console.log(`console built: dist/console (${m.files.join(', ')})`), (err) => {
    console.error('console build failed:', err instanceof Error ? err.message : err)
    process.exit(1)
  })
}
