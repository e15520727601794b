import { expect } from 'chai'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { KNOWN_VARIABLES } from '../../bootstrap/config'

/**
 * No Docker engine runs here, so the deployment files are checked without one: by
 * linters that need none (dockerfilelint; dclint, which validates compose.yaml against
 * the Compose specification's schema) and by the facts the README promises.
 */
describe('deployment files (Dockerfile, compose.yaml, Lambda guide)', function () {
  this.timeout(60_000)
  const root = path.resolve(__dirname, '../..')
  const read = (file: string) => readFileSync(path.join(root, file), 'utf8')
  // Through node_modules/.bin: dclint's package exports hide its bin file from require.resolve.
  const lint = (bin: string, ...args: string[]) => spawnSync(path.join(root, 'node_modules', '.bin', bin), args, { cwd: root, encoding: 'utf8' })

  it('the Dockerfile passes dockerfilelint', () => {
    const r = lint('dockerfilelint', 'Dockerfile')
    expect(r.status, `${r.stdout}${r.stderr}`).to.equal(0)
    expect(r.stdout).to.match(/Issues: None found/)
  })

  it('the image is multi-stage on a maintained Node LTS, runs as a non-root user, checks its health and has the CLI on its PATH', () => {
    const dockerfile = read('Dockerfile')
    const stages = [...dockerfile.matchAll(/^FROM\s+node:(\d+)[^\s]*/gm)].map((m) => Number(m[1]))
    expect(stages.length).to.be.at.least(2)
    for (const major of stages) expect([22, 24]).to.include(major)
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))
    expect(runtime).to.match(/^USER node$/m)
    expect(runtime).to.match(/^HEALTHCHECK [^\n]*\\\n[^\n]*\/healthz/m)
    expect(runtime).to.match(/ln -s \/app\/bin\/imgtier\.js \/usr\/local\/bin\/imgtier/)
    expect(runtime).to.match(/^CMD \["node", "dist\/bootstrap\/main\.js"\]$/m)
    expect(runtime, 'no compiler or dev dependency in the runtime stage').not.to.match(/npm (ci|install)/)
  })

  it('the image and `npm start` cap glibc\'s malloc arenas for the server (RSS under renders: BENCHMARKS.md, "Memory")', () => {
    const runtime = read('Dockerfile').slice(read('Dockerfile').lastIndexOf('\nFROM '))
    expect(runtime).to.match(/^\s+MALLOC_ARENA_MAX=2 \\$/m)
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> }
    expect(pkg.scripts.start?.split('&&').pop()?.trim()).to.match(/^MALLOC_ARENA_MAX=2 node .*bootstrap\/main\.[jt]s$/)
  })

  it('compose.yaml is a valid Compose file (dclint, schema and rules) with Postgres, an S3 server and imgtier', () => {
    const r = lint('dclint', 'compose.yaml')
    expect(r.status, `${r.stdout}${r.stderr}`).to.equal(0)
    const compose = read('compose.yaml')
    for (const service of ['postgres', 's3', 'imgtier']) expect(compose).to.match(new RegExp(`^  ${service}:$`, 'm'))
    expect(compose).to.include('IMGTIER_S3_CREATE_BUCKETS: "true"')
  })

  it('compose.yaml sets only variables imgtier knows (a typo there would stop the process)', () => {
    const names = [...read('compose.yaml').matchAll(/^\s+(IMGTIER_[A-Z0-9_]+):/gm)].map((m) => m[1] ?? '')
    expect(names.length).to.be.greaterThan(5)
    expect(names.filter((n) => !KNOWN_VARIABLES.has(n))).to.deep.equal([])
  })

  it('the Lambda guide names a maintained runtime', () => {
    expect(read('docs/aws.md')).to.match(/\| runtime \| `nodejs22\.x`/)
  })
})
