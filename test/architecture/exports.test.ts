import { expect } from 'chai'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

/** DESIGN.md §1: the package exports domain and application so others can embed the rules. */
describe('the package exports (index.ts)', () => {
  const root = path.resolve(__dirname, '../..')
  const index = readFileSync(path.join(root, 'index.ts'), 'utf8')
  const modules = (dir: string) => readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.ts')).map((f) => `./${dir}/${f.slice(0, -3)}`)

  it('include every use-case and every port', () => {
    const expected = [...modules('application/use-cases'), ...modules('application/ports')]
    expect(expected.length).to.be.greaterThan(15)
    expect(expected.filter((m) => !index.includes(`'${m}'`))).to.deep.equal([])
  })

  it('resolve at run time to the functions they name', async () => {
    const pkg: Record<string, unknown> = await import('../../index')
    for (const name of ['createImgtier', 'loadConfig', 'uploadImage', 'reconcileBlobs', 'ensureThumbnail', 'imageLinks', 'allowExpiringLink', 'objectionRenderClaims', 's3BlobStorage']) {
      expect(pkg[name], name).to.be.a('function')
    }
  })
})
