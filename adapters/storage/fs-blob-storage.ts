import { randomBytes } from 'node:crypto'
import { constants, promises as fs, type Stats } from 'node:fs'
import * as path from 'node:path'
import * as TE from 'fp-ts/TaskEither'
import { pipe } from 'fp-ts/function'
import type { Blob, BlobStorage, BlobStream, StagedBlob } from '../../application/ports/blobs'
import { type BlobNotFound, type InfrastructureFailure, infrastructureFailure } from '../../domain/errors'
import { keyProblem, prefixProblem } from './blob-keys'

/*
 * Layout: key "a/b" is the file ROOT/a/b@ . Segments are percent-encoded, which never
 * yields '@', so a blob file (ends in '@') can never collide with a folder ("a" and
 * "a/b" coexist, as in S3), and a temp file (contains '@' before its end) is never
 * listed. Each file starts with one header line holding the content type, so bytes and
 * type land in one atomic rename.
 */
const MAGIC = 'imgtier-blob/1 '
/** A content type is short; the header line never needs more than this to be found. */
const HEADER_MAX = 512
const BLOB_SUFFIX = '@'
/** A write in progress: `<blob file>.<12 hex>.tmp`, renamed onto the blob file when whole. */
const TEMPORARY = /@\.[0-9a-f]{12}\.tmp$/
const headerOf = (contentType: string): Buffer => Buffer.from(`${MAGIC}${contentType}\n`)
const isBlobFile = (name: string): boolean => name.endsWith(BLOB_SUFFIX) && !name.slice(0, -1).includes(BLOB_SUFFIX)

/** What is left of `parts` once their first `n` bytes are written. */
const unwritten = (parts: readonly Buffer[], n: number): Buffer[] => {
  const left: Buffer[] = []
  let skip = n
  for (const part of parts) {
    if (skip >= part.length) {
      skip -= part.length
    } else {
      left.push(part.subarray(skip))
      skip = 0
    }
  }
  return left
}

/** One writev for the header and the bytes (no joined copy); a short write goes on where it stopped. */
const writeAll = async (handle: fs.FileHandle, parts: readonly Buffer[]): Promise<void> => {
  for (let rest = unwritten(parts, 0); rest.length > 0; ) rest = unwritten(rest, (await handle.writev(rest)).bytesWritten)
}

const hasCode = (e: unknown, ...codes: string[]): boolean =>
  e instanceof Error && 'code' in e && typeof e.code === 'string' && codes.includes(e.code)

export interface FsBlobStorageOptions {
  /**
   * false for a cache whose blobs can be made again (thumbnails): writes skip the fsync
   * (still written aside and renamed, so no reader sees half a file), and a blob an OS
   * crash left empty or headerless reads as missing, so it is made again. Default true.
   */
  readonly durable?: boolean
}

export const fsBlobStorage = (rootDir: string, options: FsBlobStorageOptions = {}): BlobStorage => {
  const durable = options.durable ?? true
  const root = path.resolve(rootDir)
  const fileOf = (key: string) => path.join(root, ...key.split('/').map(encodeURIComponent)) + BLOB_SUFFIX
  const keyOf = (relFile: string) => relFile.slice(0, -BLOB_SUFFIX.length).split(path.sep).map(decodeURIComponent).join('/')

  const checked = <A>(problem: string | undefined, what: string, run: () => Promise<A>): TE.TaskEither<InfrastructureFailure, A> =>
    problem !== undefined ? TE.left(infrastructureFailure(what)(new Error(problem))) : TE.tryCatch(run, infrastructureFailure(what))

  /**
   * Folders this store wrote into lately: a hint, never trusted for correctness (a folder
   * removed since fails the open and is made again). Bounded: cleared when it fills.
   */
  const knownFolders = new Set<string>()
  const KNOWN_FOLDERS_MAX = 4096
  const known = (dir: string): void => {
    if (knownFolders.size >= KNOWN_FOLDERS_MAX) knownFolders.clear()
    knownFolders.add(dir)
  }

  /**
   * Opens a new file for writing. A folder written into lately is assumed to be there (the
   * root of originals: most writes); one not seen is made first, since it is most likely new
   * (a fresh image's first thumbnail), rather than after an open that fails.
   */
  const create = async (file: string): Promise<fs.FileHandle> => {
    const dir = path.dirname(file)
    if (!knownFolders.has(dir)) await fs.mkdir(dir, { recursive: true })
    try {
      const handle = await fs.open(file, 'wx')
      known(dir)
      return handle
    } catch (e) {
      if (!hasCode(e, 'ENOENT')) throw e
      await fs.mkdir(dir, { recursive: true })
      const handle = await fs.open(file, 'wx')
      known(dir)
      return handle
    }
  }

  /** Writes `parts` to a fresh temporary beside `file`, fsynced when durable; returns its path. */
  const writeAside = async (file: string, parts: readonly Buffer[]): Promise<string> => {
    for (let attempt = 0; ; attempt++) {
      const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`
      try {
        const handle = await create(tmp)
        try {
          await writeAll(handle, parts)
          // Durable before visible: a crash after the rename never exposes a torn file.
          if (durable) await handle.sync()
        } finally {
          await handle.close()
        }
        return tmp
      } catch (e) {
        await fs.rm(tmp, { force: true })
        // A concurrent deletePrefix may prune the folder between mkdir and open.
        if (!hasCode(e, 'ENOENT') || attempt >= 3) throw e
      }
    }
  }

  const writeAtomically = async (file: string, parts: readonly Buffer[]): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      const tmp = await writeAside(file, parts)
      try {
        await fs.rename(tmp, file)
        return
      } catch (e) {
        await fs.rm(tmp, { force: true })
        if (!hasCode(e, 'ENOENT') || attempt >= 3) throw e
      }
    }
  }

  /** A temporary made visible under its key, or removed; between the two, no reader sees it. */
  const staged = (key: string, tmp: string): StagedBlob => ({
    commit: () => checked(undefined, `fs commit ${key}`, () => fs.rename(tmp, fileOf(key))),
    discard: () => checked(undefined, `fs discard ${key}`, async () => void (await removeFile(tmp))),
  })

  const putProblem = (key: string, contentType: string): string | undefined =>
    keyProblem(key) ?? (/[\r\n]/.test(contentType) ? 'newline in content type' : undefined)

  /** Every file under `dir` whose name passes `wanted`, as paths relative to the root. */
  const walk = async (dir: string, wanted: (name: string) => boolean = isBlobFile): Promise<string[]> => {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch((e: unknown) => {
      if (hasCode(e, 'ENOENT', 'ENOTDIR')) return []
      throw e
    })
    const nested = await Promise.all(
      entries.map(async (e) => {
        const full = path.join(dir, e.name)
        if (e.isDirectory()) return walk(full, wanted)
        return e.isFile() && wanted(e.name) ? [path.relative(root, full)] : []
      }),
    )
    return nested.flat()
  }

  const listKeys = async (prefix: string): Promise<string[]> => {
    // Only the folders the prefix fully names need walking; the last segment may be partial.
    const folders = prefix.split('/').slice(0, -1).map(encodeURIComponent)
    const keys = (await walk(path.join(root, ...folders))).map(keyOf)
    return keys.filter((k) => k.startsWith(prefix)).sort()
  }

  /** Removes folders left empty, up to the root; a folder still in use stays. */
  const prune = async (dir: string): Promise<void> => {
    for (let d = dir; d.startsWith(root + path.sep); d = path.dirname(d)) {
      try {
        await fs.rmdir(d)
        knownFolders.delete(d)
      } catch (e) {
        if (hasCode(e, 'ENOTEMPTY', 'EEXIST', 'ENOENT')) return
        throw e
      }
    }
  }

  /** Unlinks a file and prunes the folders it leaves empty; false when it was gone, or `keep` spares it. */
  const removeFile = async (file: string, keep?: (stat: Stats) => boolean): Promise<boolean> => {
    try {
      if (keep && keep(await fs.stat(file))) return false
      await fs.unlink(file)
    } catch (e) {
      if (hasCode(e, 'ENOENT')) return false
      throw e
    }
    await prune(path.dirname(file))
    return true
  }

  const remove = (key: string): Promise<boolean> => removeFile(fileOf(key))

  /** A temporary last written before `before`: a fresh one may be a write in flight. */
  const removeTemporary = (relFile: string, before: Date): Promise<boolean> =>
    removeFile(path.join(root, relFile), (stat) => stat.mtime >= before)

  /** The header line is read first; the bytes after it stream from the same open file. */
  const streamFrom = async (key: string, handle: fs.FileHandle): Promise<BlobStream | undefined> => {
    try {
      const head = Buffer.alloc(HEADER_MAX)
      const { bytesRead } = await handle.read(head, 0, HEADER_MAX, 0)
      if (headerless(head.subarray(0, bytesRead))) {
        await handle.close()
        return undefined
      }
      const { contentType, headerLength } = parseHeader(key, head.subarray(0, bytesRead))
      const { size } = await handle.stat()
      return { contentType, length: size - headerLength, body: handle.createReadStream({ start: headerLength, autoClose: true }) }
    } catch (e) {
      await handle.close()
      throw e
    }
  }

  /** A cache blob whose header an OS crash lost (an empty file): missing, not broken. */
  const headerless = (data: Buffer): boolean => !durable && !data.subarray(0, MAGIC.length).equals(Buffer.from(MAGIC))

  const parseHeader = (key: string, data: Buffer): { contentType: string; headerLength: number } => {
    const nl = data.indexOf(0x0a)
    const header = nl < 0 ? '' : data.toString('utf8', 0, nl)
    if (!header.startsWith(MAGIC)) throw new Error(`blob ${key} has no header: not written by fsBlobStorage`)
    return { contentType: header.slice(MAGIC.length), headerLength: nl + 1 }
  }

  const parse = (key: string, data: Buffer): Blob => {
    const nl = data.indexOf(0x0a)
    const header = nl < 0 ? '' : data.toString('utf8', 0, nl)
    if (!header.startsWith(MAGIC)) throw new Error(`blob ${key} has no header: not written by fsBlobStorage`)
    return { contentType: header.slice(MAGIC.length), bytes: data.subarray(nl + 1) }
  }

  return {
    put: (key, bytes, contentType) =>
      checked(putProblem(key, contentType), `fs put ${key}`, () => writeAtomically(fileOf(key), [headerOf(contentType), bytes])),

    stage: (key, bytes, contentType) =>
      pipe(
        checked(putProblem(key, contentType), `fs stage ${key}`, () => writeAside(fileOf(key), [headerOf(contentType), bytes])),
        TE.map((tmp) => staged(key, tmp)),
      ),

    get: (key) =>
      pipe(
        checked(keyProblem(key), `fs get ${key}`, async () => {
          try {
            return await fs.readFile(fileOf(key))
          } catch (e) {
            if (hasCode(e, 'ENOENT', 'ENOTDIR')) return undefined
            throw e
          }
        }),
        TE.chainW((data): TE.TaskEither<BlobNotFound | InfrastructureFailure, Blob> =>
          data === undefined
            ? TE.left({ _tag: 'BlobNotFound', key })
            : headerless(data) ? TE.left({ _tag: 'BlobNotFound', key }) : TE.tryCatch(async () => parse(key, data), infrastructureFailure(`fs get ${key}`)),
        ),
      ),

    open: (key) =>
      pipe(
        checked(keyProblem(key), `fs open ${key}`, async () => {
          try {
            return await fs.open(fileOf(key), constants.O_RDONLY)
          } catch (e) {
            if (hasCode(e, 'ENOENT', 'ENOTDIR')) return undefined
            throw e
          }
        }),
        TE.chainW((handle): TE.TaskEither<BlobNotFound | InfrastructureFailure, BlobStream> =>
          handle === undefined
            ? TE.left({ _tag: 'BlobNotFound', key })
            : pipe(
                TE.tryCatch(() => streamFrom(key, handle), infrastructureFailure(`fs open ${key}`)),
                TE.chainW((blob): TE.TaskEither<BlobNotFound, BlobStream> => (blob ? TE.right(blob) : TE.left({ _tag: 'BlobNotFound', key }))),
              ),
        ),
      ),

    exists: (key) =>
      checked(keyProblem(key), `fs exists ${key}`, async () => {
        try {
          return (await fs.stat(fileOf(key))).isFile()
        } catch (e) {
          if (hasCode(e, 'ENOENT', 'ENOTDIR')) return false
          throw e
        }
      }),

    modifiedAt: (key) =>
      pipe(
        checked(keyProblem(key), `fs modifiedAt ${key}`, async () => {
          try {
            return (await fs.stat(fileOf(key))).mtime
          } catch (e) {
            if (hasCode(e, 'ENOENT', 'ENOTDIR')) return undefined
            throw e
          }
        }),
        TE.chainW((at): TE.TaskEither<BlobNotFound | InfrastructureFailure, Date> => (at === undefined ? TE.left({ _tag: 'BlobNotFound', key }) : TE.right(at))),
      ),

    delete: (key) => checked(keyProblem(key), `fs delete ${key}`, async () => void (await remove(key))),

    deletePrefix: (prefix) =>
      checked(prefixProblem(prefix), `fs deletePrefix ${prefix}`, async () => {
        const removed = await Promise.all((await listKeys(prefix)).map(remove))
        return removed.filter(Boolean).length
      }),

    list: (prefix) => checked(prefixProblem(prefix), `fs list ${prefix}`, () => listKeys(prefix)),

    removeTemporaries: (before) =>
      checked(undefined, 'fs removeTemporaries', async () => {
        const temporaries = await walk(root, (name) => TEMPORARY.test(name))
        const removed = await Promise.all(temporaries.map((f) => removeTemporary(f, before)))
        return removed.filter(Boolean).length
      }),

    ping: () =>
      checked(undefined, 'fs ping', async () => {
        await fs.mkdir(root, { recursive: true })
        await fs.access(root, constants.R_OK | constants.W_OK)
      }),
  }
}
