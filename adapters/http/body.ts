import { createHash, type Hash } from 'node:crypto'
import { Writable } from 'node:stream'
import type { Context, Next } from 'koa'
import { koaBody } from 'koa-body'
import { decodingProblem, JSON_CODINGS, unacceptedCoding, UPLOAD_CODINGS } from './content-encoding'
import { invalidRequest, problem, problemOf, sendProblem, type Problem } from './problem'

export const JSON_LIMIT_BYTES = 64 * 1024

const parseJson = koaBody({ json: true, jsonStrict: true, jsonLimit: JSON_LIMIT_BYTES, multipart: false, urlencoded: false, text: false })

/** The status and code of a body-parser failure (raw-body, co-body and formidable errors carry a status). */
export const parserProblem = (err: unknown, maxUploadBytes?: number): Problem | undefined => {
  if (!(err instanceof Error)) return undefined
  const status = 'status' in err && typeof err.status === 'number' ? err.status : 'httpCode' in err && typeof err.httpCode === 'number' ? err.httpCode : undefined
  const code = 'code' in err ? err.code : undefined
  // formidable: 1009/1016 file too big, 1015 too many files, 1006/1007 fields, 1002 aborted, 1011–1014 malformed.
  if (code === 1016 || code === 1009) return problemOf({ _tag: 'FileTooLarge', maxBytes: maxUploadBytes ?? 0 })
  if (code === 1015) return invalidRequest([{ path: 'image', message: 'send exactly one file' }], 'Only one file may be uploaded at a time.')
  if (code === 1006 || code === 1007) return problem(413, 'payload_too_large', 'Payload too large', 'Too many or too large form fields.')
  if (typeof code === 'number' && code >= 1000) return invalidRequest([{ path: '(body)', message: 'malformed multipart body' }], 'The multipart body could not be read.')
  if (status === 413) return problem(413, 'payload_too_large', 'Payload too large', 'The request body is too large.')
  if (status === 415) return problem(415, 'unsupported_media_type', 'Unsupported media type', 'Send application/json.')
  if (status !== undefined && status >= 400 && status < 500) return invalidRequest([{ path: '(body)', message: 'malformed body' }], 'The request body could not be parsed.')
  return undefined
}

/**
 * Runs a body parser and answers its refusals as problems. A refused body's rest is read
 * and discarded after the answer (linger.ts), so the client sees the answer, not a reset.
 */
const guard = (parse: (ctx: Context, next: Next) => Promise<unknown>, codings: readonly string[], maxUploadBytes?: number) =>
  async (ctx: Context, next: Next): Promise<void> => {
    const unaccepted = unacceptedCoding(ctx, codings)
    if (unaccepted) return sendProblem(ctx, unaccepted)
    let parsed = false
    try {
      await parse(ctx, async () => { parsed = true })
    } catch (err) {
      const prob = decodingProblem(ctx, err) ?? parserProblem(err, maxUploadBytes)
      if (!prob) throw err
      return sendProblem(ctx, prob)
    }
    if (parsed) await next()
  }

/** JSON bodies (64 KiB at most), parsed only after authentication has passed. */
export const jsonBody = guard(parseJson, JSON_CODINGS)

export const bodyOf = (ctx: Context): unknown => ctx.request.body

/**
 * Uploaded bytes are collected in memory, bounded by the size limit: no temp file is ever
 * left behind, and none is read again. They are hashed as they arrive, so the use-case
 * does not make another pass over them for the digest.
 */
interface Received { readonly chunks: Buffer[]; readonly hash: Hash; sha256?: string }
const received = new WeakMap<object, Received>()

export interface UploadedFile { readonly bytes: Buffer; readonly sha256: string; readonly fileName?: string }

const collect = (file?: object): Writable => {
  const into: Received = { chunks: [], hash: createHash('sha256') }
  if (file) received.set(file, into)
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      into.chunks.push(chunk)
      into.hash.update(chunk)
      done()
    },
  })
}

/** Multipart with one file field `image` and an optional text field `name`. */
export const multipartImage = (maxUploadBytes: number) =>
  guard(
    koaBody({
      multipart: true,
      json: false,
      urlencoded: false,
      text: false,
      formidable: {
        maxFiles: 1,
        maxFileSize: maxUploadBytes,
        maxTotalFileSize: maxUploadBytes,
        maxFields: 8,
        maxFieldsSize: 16 * 1024,
        allowEmptyFiles: true,
        minFileSize: 0,
        fileWriteStreamHandler: collect,
        // The file never touches the disk, so it needs no name of its own; formidable's
        // default makes one per upload with a SHA3 in plain JavaScript.
        filename: () => 'in-memory',
      },
    }),
    UPLOAD_CODINGS,
    maxUploadBytes,
  )

/** The single uploaded `image` file, or why there is none. */
export const uploadedImage = (ctx: Context): { file?: UploadedFile; problem?: Problem } => {
  const files = ctx.request.files ?? {}
  const others = Object.keys(files).filter((k) => k !== 'image')
  const entry = files['image']
  if (entry === undefined && others.length > 0) {
    return { problem: problem(400, 'file_required', 'File required', `Send the image in the multipart field "image", not "${others.join('", "')}".`) }
  }
  if (others.length > 0) return { problem: invalidRequest(others.map((k) => ({ path: k, message: 'unexpected file field; send one file, in "image"' }))) }
  if (entry === undefined) return {}
  if (Array.isArray(entry)) return { problem: invalidRequest([{ path: 'image', message: 'send exactly one file' }]) }
  const into = received.get(entry) ?? { chunks: [], hash: createHash('sha256') }
  // A hash gives its digest once; asked again, the first answer stands.
  into.sha256 ??= into.hash.digest('hex')
  return { file: { bytes: Buffer.concat(into.chunks), sha256: into.sha256, fileName: entry.originalFilename ?? undefined } }
}

/** A text field sent once, or a problem when sent several times. */
export const textField = (ctx: Context, name: string): { value?: string; problem?: Problem } => {
  const raw = fieldOf(ctx.request.body, name)
  if (raw === undefined || raw === null) return {}
  if (typeof raw === 'string') return { value: raw }
  return { problem: invalidRequest([{ path: name, message: 'send this field once, as text' }]) }
}

/** A top-level field of a parsed body, or undefined. */
export const fieldOf = (body: unknown, name: string): unknown =>
  body !== null && typeof body === 'object' && !Array.isArray(body) && Object.prototype.hasOwnProperty.call(body, name)
    ? Reflect.get(body, name)
    : undefined
