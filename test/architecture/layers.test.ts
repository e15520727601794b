import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect } from 'chai'

/**
 * The layer rule of DESIGN.md §1 as a checked fact, by dependency-cruiser
 * (.dependency-cruiser.cjs; `npm run check:layers` prints the same verdict for people).
 */
const ROOT = path.resolve(__dirname, '../..')
const CLI = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs')

interface Cruise {
  readonly summary: {
    readonly violations: readonly { readonly rule: { readonly name: string }; readonly from: string; readonly to: string }[]
    readonly totalCruised: number
  }
}

/** The roots `npm run check:layers` cruises: one list, in package.json. */
const roots = (): string[] => {
  const { scripts } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  return (scripts['check:layers'] ?? '').split(' ').slice(3)
}

const cruise = (cwd: string, targets: readonly string[]): Cruise => {
  const out = execFileSync(process.execPath, [CLI, '--config', path.join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'json', ...targets], {
    cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'],
  }).toString()
  return JSON.parse(out) as Cruise
}

describe('the layer rule (DESIGN.md §1), by dependency-cruiser', function () {
  this.timeout(120_000)

  it('holds for every import of every source, root files included', () => {
    const targets = roots()
    expect(targets).to.include.members(['domain', 'application', 'adapters', 'bootstrap', 'lambda', 'testing', 'index.ts', 'knexfile.ts'])
    const result = cruise(ROOT, targets)
    expect(result.summary.totalCruised).to.be.greaterThan(150)
    expect(result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`)).to.deep.equal([])
  })

  it('would catch each violation it exists for', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'imgtier-layers-'))
    try {
      symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'))
      const files: Record<string, string> = {
        'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true } }),
        'domain/impure.ts': "import Koa from 'koa'\nimport { readFileSync } from 'node:fs'\nexport const x = [Koa, readFileSync]\n",
        'domain/cycle-a.ts': "import { b } from './cycle-b'\nexport const a = () => b\n",
        'domain/cycle-b.ts': "import { a } from './cycle-a'\nexport const b = () => a\n",
        'domain/uses-test.ts': "import { t } from '../test/t'\nexport const u = t\n",
        'test/t.ts': 'export const t = 1\n',
        'application/impure.ts': "import { y } from '../adapters/b'\nimport type { Knex } from 'knex'\nexport const z: Knex | number = y\n",
        'application/container.ts': "import { Container } from 'inversify'\nexport const c = Container\n",
        'adapters/a/reaches-in.ts': "import { y } from '../b/internal'\nexport const w = y\n",
        'adapters/a/reaches-up.ts': "import { c } from '../../bootstrap/c'\nexport const v = c\n",
        'adapters/b/internal.ts': 'export const y = 1\n',
        'adapters/b/index.ts': "export { y } from './internal'\n",
        'bootstrap/c.ts': 'export const c = 1\n',
        'testing/kit.ts': "import { c } from '../bootstrap/c'\nimport { y } from '../adapters/b/internal'\nexport const k = [c, y]\n",
      }
      for (const [name, content] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
        writeFileSync(path.join(dir, name), content)
      }
      const caught = new Set(cruise(dir, ['domain', 'application', 'adapters', 'bootstrap', 'testing']).summary.violations.map((v) => v.rule.name))
      expect([...caught].sort()).to.deep.equal([
        'adapters-stay-inside', 'adapters-through-the-front-door', 'application-is-pure', 'domain-is-pure',
        'infrastructure-libraries-in-adapters', 'no-circular', 'only-bootstrap-knows-the-container', 'sources-never-import-tests',
        'testing-uses-public-faces',
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
