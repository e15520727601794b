import { expect } from 'chai'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'

/**
 * The layer rule of DESIGN.md §1 as a checked fact: every import of every source file
 * is judged against what its layer may depend on.
 */
const ROOT = path.resolve(__dirname, '../..')

type Layer = 'domain' | 'application' | 'adapters' | 'bootstrap' | 'lambda'

interface Rule {
  /** Packages (by name) the layer may import; relative imports are judged by `layers`. */
  readonly packages: (name: string) => boolean
  readonly layers: readonly Layer[]
}

const FP = (name: string) => name === 'io-ts' || name === 'fp-ts' || name.startsWith('fp-ts/')

export const RULES: Readonly<Record<Layer, Rule>> = {
  domain: { packages: FP, layers: ['domain'] },
  application: { packages: FP, layers: ['domain', 'application'] },
  // Adapters may use any library but inversify, and never reach into the composition root.
  adapters: { packages: (n) => n !== 'inversify' && n !== 'reflect-metadata', layers: ['domain', 'application', 'adapters'] },
  bootstrap: { packages: () => true, layers: ['domain', 'application', 'adapters', 'bootstrap', 'lambda'] },
  // DESIGN.md §1: the Lambda builds what it needs from bootstrap pieces (never the container).
  lambda: { packages: (n) => n !== 'inversify', layers: ['domain', 'application', 'adapters', 'bootstrap', 'lambda'] },
}

const isLayer = (s: string | undefined): s is Layer => s !== undefined && Object.prototype.hasOwnProperty.call(RULES, s)

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"`]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g

export const importsOf = (source: string): string[] =>
  [...source.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4] ?? '').filter(Boolean)

const packageName = (spec: string): string => {
  const parts = spec.split('/')
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : spec.startsWith('node:') ? spec : (parts[0] ?? spec)
}

/** Why an import breaks the rule, or undefined when it is allowed. */
export const violation = (file: string, spec: string): string | undefined => {
  const layer = file.split(path.sep)[0]
  if (!isLayer(layer)) return undefined
  const rule = RULES[layer]
  if (spec.startsWith('.')) {
    const target = path.normalize(path.join(path.dirname(file), spec)).split(path.sep)[0] ?? ''
    return (rule.layers as readonly string[]).includes(target) ? undefined : `${file} imports ${spec} (${layer} may not depend on ${target})`
  }
  const name = packageName(spec)
  return rule.packages(name) ? undefined : `${file} imports ${name} (not allowed in ${layer})`
}

const sourcesOf = (dir: string): string[] =>
  readdirSync(path.join(ROOT, dir)).flatMap((entry) => {
    const rel = path.join(dir, entry)
    if (statSync(path.join(ROOT, rel)).isDirectory()) return sourcesOf(rel)
    return rel.endsWith('.ts') ? [rel] : []
  })

describe('the layer rule (DESIGN.md §1)', () => {
  const layers = Object.keys(RULES)

  it('holds for every import of every source file', () => {
    const files = layers.flatMap(sourcesOf)
    expect(files.length).to.be.greaterThan(50)
    const broken = files.flatMap((file) => importsOf(readFileSync(path.join(ROOT, file), 'utf8')).map((spec) => violation(file, spec)))
    expect(broken.filter(Boolean)).to.deep.equal([])
  })

  it('would catch the violations it exists for', () => {
    expect(violation(path.join('domain', 'tier.ts'), 'koa')).to.match(/not allowed in domain/)
    expect(violation(path.join('domain', 'tier.ts'), 'node:crypto')).to.match(/not allowed in domain/)
    expect(violation(path.join('application', 'use-cases', 'x.ts'), 'knex')).to.match(/not allowed in application/)
    expect(violation(path.join('application', 'use-cases', 'x.ts'), '../../adapters/http/app')).to.match(/may not depend on adapters/)
    expect(violation(path.join('adapters', 'http', 'app.ts'), '../../bootstrap/config')).to.match(/may not depend on bootstrap/)
    expect(violation(path.join('adapters', 'http', 'app.ts'), 'inversify')).to.match(/not allowed in adapters/)
    expect(violation(path.join('application', 'x.ts'), 'fp-ts/TaskEither')).to.equal(undefined)
    expect(importsOf("import type { A } from './a'\nimport * as t from 'io-ts'\nconst s = await import('sharp')")).to.deep.equal(['./a', 'io-ts', 'sharp'])
  })
})
