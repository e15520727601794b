import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect } from 'chai'

const ROOT = path.resolve(__dirname, '../..')

/** The README's "Embedding" examples, by name: the consumer compiles exactly what the README shows. */
const readmeExamples = (): Map<string, string> =>
  new Map([...readFileSync(path.join(ROOT, 'README.md'), 'utf8').matchAll(/<!-- consumer: (\S+) -->\n```ts\n([\s\S]*?)```/g)]
    .map((m): [string, string] => [m[1] ?? '', m[2] ?? '']))

const run = (command: string, args: readonly string[], cwd: string): string => {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string }
    throw new Error(`${command} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}${e.message}`)
  }
}

const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')

/**
 * Issue 10 item 7: imgtier as a stranger gets it. The package is packed with `npm pack`,
 * unpacked into a fresh project whose other dependencies (imgtier's and its peers) are
 * links to what `npm ci` already installed (no network), and a strict TypeScript consumer
 * is compiled against its published types and run.
 */
describe('the packed package, used by a strict TypeScript consumer', function () {
  this.timeout(240_000)
  let dir: string
  let files: string[]
  const consumer = () => path.join(dir, 'consumer')

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'imgtier-consumer-'))
    // The same build as `npm run build` (prepack), without a second type check: npm test ran tsc first.
    const stage = path.join(dir, 'stage')
    run(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), '--noCheck', '--outDir', path.join(stage, 'dist')], ROOT)
    const { files: shipped } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[] }
    for (const f of ['package.json', ...shipped.filter((f) => f !== 'dist')]) cpSync(path.join(ROOT, f), path.join(stage, f), { recursive: true })
    const tarball = path.join(dir, run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], stage).trim().split('\n').pop() ?? '')
    files = run('tar', ['-tzf', tarball], dir).split('\n').filter(Boolean)

    const modules = path.join(consumer(), 'node_modules')
    mkdirSync(path.join(modules, 'imgtier'), { recursive: true })
    run('tar', ['-xzf', tarball, '-C', path.join(modules, 'imgtier'), '--strip-components=1'], dir)
    for (const name of readdirSync(path.join(ROOT, 'node_modules'))) {
      if (!name.startsWith('.')) symlinkSync(path.join(ROOT, 'node_modules', name), path.join(modules, name))
    }
    writeFileSync(path.join(consumer(), 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'commonjs' }))
    writeFileSync(path.join(consumer(), 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'node16', moduleResolution: 'node16', strict: true, noUncheckedIndexedAccess: true,
        exactOptionalPropertyTypes: true, skipLibCheck: true, types: ['node'], outDir: 'dist', rootDir: 'src',
      },
      include: ['src'],
    }))
    mkdirSync(path.join(consumer(), 'src'))
    const examples = readmeExamples()
    expect([...examples.keys()]).to.deep.equal(['links.ts', 'core.ts'])
    for (const [name, code] of examples) writeFileSync(path.join(consumer(), 'src', name), code)
    run(process.execPath, [tsc, '-p', consumer()], consumer())
  })
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('ships a LICENSE, types for every entry point, and source maps that carry their sources', () => {
    expect(files).to.include.members(['package/LICENSE', 'package/README.md', 'package/bin/imgtier.js', 'package/dist/domain/index.d.ts', 'package/dist/testing/index.d.ts', 'package/dist/bootstrap/core.d.ts'])
    expect(files.filter((f) => f.includes('/test/') || f.endsWith('.ts') && !f.endsWith('.d.ts'))).to.deep.equal([])
    const map = JSON.parse(readFileSync(path.join(consumer(), 'node_modules/imgtier/dist/domain/links.js.map'), 'utf8')) as { sourcesContent?: string[] }
    expect(map.sourcesContent?.[0]).to.include('export const imageLinks')
  })

  it('(a) computes the links of every built-in tier with imgtier/domain, loading fewer than 60 modules', () => {
    const lines = run(process.execPath, ['dist/links.js'], consumer()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    const modules = lines.pop()?.modules
    expect(modules).to.be.a('number').and.to.be.below(60)
    expect(lines.map((l) => l.tier)).to.deep.equal(['Basic', 'Premium', 'Enterprise'])
    expect(lines[0]?.links).to.deep.equal({ thumbnails: { 200: 'https://img.example/images/6f1c2a52-0d7e-4d0b-9f5e-3c8f0f4b7a10/thumbnails/200' } })
    expect(JSON.stringify(lines)).not.to.include('//images')
  })

  it('(b) uploads, renders a thumbnail, and opens an expiring link through createCore, with no HTTP server', () => {
    const out = JSON.parse(run(process.execPath, ['dist/core.js'], consumer())) as unknown
    expect(out).to.deep.equal({ image: { name: 'cat', width: 640, height: 480 }, thumbnail: 'Bytes', opened: 'Bytes', forged: 'LinkInvalid' })
  })

  it('(c) its imgtier command runs the compiled CLI (no TypeScript sources ship): help, then a real command', () => {
    const bin = path.join(consumer(), 'node_modules', 'imgtier', 'bin', 'imgtier.js')
    expect(run(process.execPath, [bin, '--help'], consumer())).to.match(/^Usage: imgtier /m).and.to.match(/thumbnails/)
    const data = mkdtempSync(path.join(tmpdir(), 'imgtier-consumer-cli-'))
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, IMGTIER_DATA_DIR: data, LOG_LEVEL: 'silent' }
      delete env.DATABASE_URL
      const tiers = execFileSync(process.execPath, [bin, 'tiers', 'list', '--json'], { cwd: consumer(), env, encoding: 'utf8' })
      expect((JSON.parse(tiers) as { name: string }[]).map((t) => t.name)).to.include.members(['Basic', 'Premium', 'Enterprise'])
    } finally {
      rmSync(data, { recursive: true, force: true })
    }
  })
})
