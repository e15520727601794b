import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { expect } from 'chai'
import { NATIVE_PACKAGES, buildLambda, readZip } from '../../../scripts/build-lambda'

describe('npm run build:lambda', function () {
  this.timeout(60_000)
  let dir: string
  let files: Map<string, Buffer>
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'imgtier-lambda-zip-'))
    const { file } = await buildLambda(path.join(dir, 'lambda.zip'))
    files = readZip(readFileSync(file))
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('holds the bundled handler, sharp, and its linux-x64 binaries', () => {
    expect(files.has('index.js')).to.equal(true)
    for (const pkg of NATIVE_PACKAGES) expect(files.has(`node_modules/${pkg}/package.json`), pkg).to.equal(true)
    const names = [...files.keys()]
    expect(names.some((n) => /^node_modules\/@img\/sharp-linux-x64\/lib\/sharp-linux-x64-[\d.]+\.node$/.test(n))).to.equal(true)
    expect(names.some((n) => /^node_modules\/@img\/sharp-libvips-linux-x64\/lib\/libvips-cpp\.so/.test(n))).to.equal(true)
    // sharp stays outside the bundle; the SDK and our code are inside it.
    const code = files.get('index.js')!.toString('utf8')
    expect(code).to.include('import("sharp")')
    expect(code).to.include('invalid render request')
  })

  it('unpacks into something Node 20 loads: the handler answers and sharp renders', () => {
    const root = path.join(dir, 'unpacked')
    for (const [name, data] of files) {
      mkdirSync(path.dirname(path.join(root, name)), { recursive: true })
      writeFileSync(path.join(root, name), data)
    }
    // A child process: two copies of libvips in one process would fight over GLib types.
    const probe = `
      const { handler } = require('./index.js')
      process.env.IMGTIER_S3_BUCKET = 'unused'
      handler({ height: 'x' }).then(() => process.exit(2), (e) => {
        console.log(e.message.split('\\n')[0])
        // Resolved the way the bundle's lazy import('sharp') resolves it, from /var/task.
        return import('sharp').then((m) => m.default({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).png().toBuffer())
      }).then((png) => console.log('png', png.length > 0))`
    const out = spawnSync(process.execPath, ['-e', probe], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } })
    expect(out.status, out.stderr).to.equal(0)
    expect(out.stdout).to.equal('invalid render request:\npng true\n')
  })
})
