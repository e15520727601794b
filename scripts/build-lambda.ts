/**
 * npm run build:lambda → dist/lambda.zip: lambda/handler.ts bundled for the nodejs22.x
 * runtime (handler "index.handler"; the syntax target stays Node 20, which the local tests
 * run), plus sharp and its linux-x64 native parts, which cannot be bundled. The AWS SDK is bundled too: the pinned versions, not the runtime's.
 */
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import * as path from 'node:path'
import { build } from 'esbuild'
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib'

const ROOT = path.resolve(__dirname, '..')

/**
 * A minimal ZIP writer and reader (deflate, no ZIP64): enough for a Lambda bundle of
 * a few tens of MB, without needing a `zip` binary on the machine that builds it.
 */
export interface ZipEntry { readonly name: string; readonly data: Buffer; readonly mode?: number }

const DOS_EPOCH = (1 << 5) | 1 // 1980-01-01: fixed, so the same inputs give the same zip

export const writeZip = (entries: readonly ZipEntry[]): Buffer => {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8')
    const packed = deflateRawSync(e.data, { level: 6 })
    const crc = crc32(e.data)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4) // version needed
    local.writeUInt16LE(0x0800, 6) // UTF-8 names
    local.writeUInt16LE(8, 8) // deflate
    local.writeUInt16LE(0, 10)
    local.writeUInt16LE(DOS_EPOCH, 12)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(packed.length, 18)
    local.writeUInt32LE(e.data.length, 22)
    local.writeUInt16LE(name.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE((3 << 8) | 20, 4) // made by Unix, so the mode below is honoured
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(0x0800, 8)
    central.writeUInt16LE(8, 10)
    central.writeUInt16LE(DOS_EPOCH, 14)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(packed.length, 20)
    central.writeUInt32LE(e.data.length, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(((0o100000 | (e.mode ?? 0o644)) << 16) >>> 0, 38)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, packed)
    centrals.push(central, name)
    offset += local.length + name.length + packed.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

/** Reads what writeZip (or any plain deflate/stored ZIP) wrote. */
export const readZip = (zip: Buffer): Map<string, Buffer> => {
  const endAt = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (endAt < 0) throw new Error('not a zip: no end of central directory')
  const count = zip.readUInt16LE(endAt + 10)
  let at = zip.readUInt32LE(endAt + 16)
  const files = new Map<string, Buffer>()
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10)
    const size = zip.readUInt32LE(at + 20)
    const nameLen = zip.readUInt16LE(at + 28)
    const extra = zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32)
    const name = zip.toString('utf8', at + 46, at + 46 + nameLen)
    const local = zip.readUInt32LE(at + 42)
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28)
    const packed = zip.subarray(dataAt, dataAt + size)
    files.set(name, method === 8 ? inflateRawSync(packed) : Buffer.from(packed))
    at += 46 + nameLen + extra
  }
  return files
}


/** sharp, what it requires at run time, and the prebuilt binary for Lambda's x64 Linux. */
export const NATIVE_PACKAGES = ['sharp', '@img/colour', 'detect-libc', 'semver', '@img/sharp-linux-x64', '@img/sharp-libvips-linux-x64']

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name)
    return e.isDirectory() ? filesUnder(full) : e.isFile() ? [full] : []
  })

export const buildLambda = async (outFile = path.join(ROOT, 'dist', 'lambda.zip')): Promise<{ file: string; bytes: number; entries: number }> => {
  const bundled = await build({
    entryPoints: [path.join(ROOT, 'lambda', 'handler.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['sharp'],
    minify: true,
    sourcemap: 'inline',
    write: false,
    logLevel: 'warning',
    absWorkingDir: ROOT,
  })
  const code = bundled.outputFiles[0]
  if (code === undefined) throw new Error('esbuild produced no output')

  const entries: ZipEntry[] = [{ name: 'index.js', data: Buffer.from(code.contents) }]
  for (const pkg of NATIVE_PACKAGES) {
    const dir = path.join(ROOT, 'node_modules', pkg)
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`${pkg} is not installed: run npm ci on linux-x64 first`)
    for (const file of filesUnder(dir)) {
      entries.push({ name: path.relative(ROOT, file).split(path.sep).join('/'), data: readFileSync(file), mode: statSync(file).mode & 0o777 })
    }
  }
  const zip = writeZip(entries)
  mkdirSync(path.dirname(outFile), { recursive: true })
  writeFileSync(outFile, zip)
  return { file: outFile, bytes: zip.length, entries: entries.length }
}

if (require.main === module) {
  buildLambda(process.argv[2]).then(
    (r) => console.log(`${path.relative(process.cwd(), r.file)}: ${r.entries} files, ${(r.bytes / 1024 / 1024).toFixed(1)} MiB`),
    (e: unknown) => {
      console.error(e)
      process.exit(1)
    },
  )
}
