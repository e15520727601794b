import { expect } from 'chai'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

/** DESIGN.md §1: the package exports domain and application so others can embed the rules. */
describe('the package exports (package.json "exports" and the entry files)', () => {
  const root = path.resolve(__dirname, '../..')
  const read = (file: string) => readFileSync(path.join(root, file), 'utf8')
  const modules = (dir: string) => readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.slice(0, -3))

  it('name every domain module, use-case and port in their entry files', () => {
    const missing = (entry: string, dir: string, prefix: string) =>
      modules(dir).filter((m) => !read(entry).includes(`'${prefix}${m}'`)).map((m) => `${entry} lacks ${prefix}${m}`)
    expect([
      ...missing('domain/index.ts', 'domain', './'),
      ...missing('application/index.ts', 'application/use-cases', './use-cases/'),
      ...missing('application/index.ts', 'application/ports', './ports/'),
    ]).to.deep.equal([])
  })

  it('map every entry point to a built file with its types', () => {
    const pkg = JSON.parse(read('package.json')) as { exports: Record<string, string | { types: string; default: string }> }
    const entries = Object.entries(pkg.exports).filter(([name]) => name !== './package.json')
    expect(entries.map(([name]) => name)).to.include.members(['.', './domain', './application', './adapters/*', './core', './server', './testing'])
    for (const [name, target] of entries) {
      if (typeof target === 'string') expect.fail(`${name} has no types`)
      const source = target.default.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts').replace('*', 'memory')
      expect(readdirSync(path.join(root, path.dirname(source))), name).to.include(path.basename(source))
      expect(target.types, name).to.equal(target.default.replace(/\.js$/, '.d.ts'))
    }
  })

  it('resolve at run time to the functions they name', async () => {
    const pkg: Record<string, unknown> = await import('../../index')
    for (const name of ['createImgtier', 'createCore', 'loadConfig', 'uploadImage', 'bindUseCases', 'reconcileBlobs', 'ensureThumbnail', 'imageLinks', 'allowExpiringLink', 'objectionRenderClaims', 's3BlobStorage']) {
      expect(pkg[name], name).to.be.a('function')
    }
    const testing: Record<string, unknown> = await import('../../testing')
    for (const name of ['inMemoryPorts', 'memoryRepositories', 'memoryBlobStorage', 'recordingThumbnailRenderer', 'aTier', 'aUser', 'anImage', 'rightOf']) {
      expect(testing[name], name).to.be.a('function')
    }
  })
})
