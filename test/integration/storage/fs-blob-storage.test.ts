import { existsSync, mkdtempSync, promises as fsPromises, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import * as path from 'node:path'
import { expect } from 'chai'
import { fsBlobStorage } from '../../../adapters/storage/fs-blob-storage'
import { blobStorageContract, run, runLeft } from '../../contract/blob-storage.contract'

const tempRoot = () => mkdtempSync(path.join(tmpdir(), 'imgtier-blobs-'))

blobStorageContract('filesystem, a cache (no fsync)', async () => {
  const root = tempRoot()
  return { storage: fsBlobStorage(root, { durable: false }), presigns: false, atomicPuts: true, close: async () => rmSync(root, { recursive: true, force: true }) }
})

blobStorageContract('filesystem', async () => {
  const root = tempRoot()
  return { storage: fsBlobStorage(root), presigns: false, atomicPuts: true, close: async () => rmSync(root, { recursive: true, force: true }) }
})

describe('fsBlobStorage', () => {
  let outer: string
  let root: string
  beforeEach(() => {
    outer = tempRoot()
    root = path.join(outer, 'blobs')
  })
  afterEach(() => rmSync(outer, { recursive: true, force: true }))

  it('writes nothing outside its root, whatever the key', async () => {
    const storage = fsBlobStorage(root)
    for (const key of ['../escape', 'a/../../escape', '/tmp/escape', 'a/%2e%2e/x']) await storage.put(key, Buffer.from('x'), 'text/plain')()
    expect(readdirSync(outer)).to.deep.equal(existsSync(root) ? ['blobs'] : [])
    // Percent signs are data, not an escape route: that key stays inside, as itself.
    expect(await run(storage.list(''))).to.deep.equal(['a/%2e%2e/x'])
  })

  it('leaves no temp file behind and prunes folders a prefix delete emptied', async () => {
    const storage = fsBlobStorage(root)
    await run(storage.put('img/200', Buffer.from('t'), 'image/png'))
    await run(storage.put('img/400', Buffer.from('t'), 'image/png'))
    expect(readdirSync(path.join(root, 'img')).sort()).to.deep.equal(['200@', '400@'])
    await run(storage.deletePrefix('img/'))
    expect(readdirSync(root)).to.deep.equal([])
  })

  it('makes a new folder before opening in it, and skips mkdir for a folder it wrote into (a removed one is made again)', async () => {
    const storage = fsBlobStorage(root, { durable: false })
    const calls = { open: 0, mkdir: 0 }
    const { open, mkdir } = fsPromises
    fsPromises.open = ((...args: Parameters<typeof open>) => { calls.open++; return open(...args) }) as typeof open
    fsPromises.mkdir = ((...args: Parameters<typeof mkdir>) => { calls.mkdir++; return mkdir(...args) }) as typeof mkdir
    const counted = async (put: () => Promise<unknown>) => {
      Object.assign(calls, { open: 0, mkdir: 0 })
      await put()
      return { ...calls }
    }
    try {
      // A fresh image's first thumbnail: its folder is made, then the one open succeeds.
      expect(await counted(() => run(storage.put('img/200', Buffer.from('t'), 'image/jpeg')))).to.deep.equal({ open: 1, mkdir: 1 })
      // Its second height: the folder is known.
      expect(await counted(() => run(storage.put('img/400', Buffer.from('t'), 'image/jpeg')))).to.deep.equal({ open: 1, mkdir: 0 })
      // Removed behind the store's back (another process): the open fails and the folder is made again.
      rmSync(path.join(root, 'img'), { recursive: true, force: true })
      expect(await counted(() => run(storage.put('img/200', Buffer.from('again'), 'image/jpeg')))).to.deep.equal({ open: 2, mkdir: 1 })
      expect((await run(storage.get('img/200'))).bytes.toString()).to.equal('again')
    } finally {
      Object.assign(fsPromises, { open, mkdir })
    }
  })

  it('keeps a stage a crash never committed as a partial file: the sweep removes it, not before its grace', async () => {
    const { stage, removeTemporaries, list } = fsBlobStorage(root)
    if (!stage || !removeTemporaries) return expect.fail('the filesystem store stages and sweeps')
    await run(stage('orphan', Buffer.from('bytes'), 'image/jpeg'))
    expect(readdirSync(root)).to.have.length(1).and.to.satisfy((names: string[]) => names.every((n) => n.endsWith('.tmp')))
    expect(await run(list(''))).to.deep.equal([])
    expect(await run(removeTemporaries(new Date(Date.now() - 60_000))), 'a fresh stage may be an upload in flight').to.equal(0)
    expect(await run(removeTemporaries(new Date(Date.now() + 60_000)))).to.equal(1)
    expect(readdirSync(root)).to.deep.equal([])
  })

  it('answers InfrastructureFailure, not BlobNotFound, for a file it did not write', async () => {
    const storage = fsBlobStorage(root)
    await run(storage.put('x', Buffer.from('ok'), 'text/plain'))
    const { writeFileSync } = await import('node:fs')
    writeFileSync(path.join(root, 'x@'), 'no header')
    expect((await runLeft(storage.get('x')))._tag).to.equal('InfrastructureFailure')
  })

  it('in a cache store, reads a blob an OS crash left empty as missing, so it is made again', async () => {
    const storage = fsBlobStorage(root, { durable: false })
    await run(storage.put('img/200', Buffer.from('thumb'), 'image/jpeg'))
    const { writeFileSync } = await import('node:fs')
    writeFileSync(path.join(root, 'img', '200@'), '')
    expect(await runLeft(storage.get('img/200'))).to.deep.equal({ _tag: 'BlobNotFound', key: 'img/200' })
    expect(await runLeft(storage.open('img/200'))).to.deep.equal({ _tag: 'BlobNotFound', key: 'img/200' })
    await run(storage.put('img/200', Buffer.from('again'), 'image/jpeg'))
    expect((await run(storage.get('img/200'))).bytes.toString()).to.equal('again')
  })

  it('fails ping when the root cannot be created', async () => {
    const { writeFileSync } = await import('node:fs')
    writeFileSync(path.join(outer, 'file'), '')
    expect((await runLeft(fsBlobStorage(path.join(outer, 'file', 'blobs')).ping()))._tag).to.equal('InfrastructureFailure')
  })
})
