import type { IncomingMessage } from 'node:http'
import contentType from 'content-type'
import * as E from 'fp-ts/Either'
import getRawBody from 'raw-body'
import typeis from 'type-is'
import { statusOf } from './body'

/**
 * multipart/form-data, read whole and then split. An upload is held in memory anyway
 * (validation and storage need its bytes), so the body is read as one buffer (raw-body:
 * the length checks and limit koa-body's other parsers use) and split with `indexOf`.
 * A streaming parser (formidable, as koa-body runs it) pushed every socket chunk through
 * three streams and a byte-level state machine: about 10 % of an upload's CPU, measured
 * against this (BENCHMARKS.md, "12-07, late"). What counts as a file, a field, a name and
 * a file name follows what formidable did, so clients see no difference.
 */

export interface FormFile {
  /** The part's field name. */
  readonly field: string
  /** The `filename` parameter as sent (the part after a last backslash), if any. */
  readonly fileName?: string
  /** A view into the body read: no copy. */
  readonly bytes: Buffer
}

export interface Form {
  /** Text fields by name, every value in the order sent. */
  readonly fields: ReadonlyMap<string, readonly string[]>
  readonly files: readonly FormFile[]
}

export interface FormLimits {
  readonly maxFileBytes: number
  readonly maxFiles: number
  readonly maxFields: number
  /** All text fields together. */
  readonly maxFieldBytes: number
}

export type FormRefusal =
  | { readonly _tag: 'Malformed' }
  | { readonly _tag: 'TooManyFiles' }
  | { readonly _tag: 'FieldsTooLarge' }
  | { readonly _tag: 'FileTooLarge' }
  /** raw-body's 4xx refusal (aborted, a length that lies): it carries its status. */
  | { readonly _tag: 'Unreadable'; readonly cause: Error }

/** What a body may hold beside its file: part headers, boundaries and the text fields. */
const FORM_OVERHEAD_BYTES = 64 * 1024

const EMPTY: Form = { fields: new Map(), files: [] }
const malformed: FormRefusal = { _tag: 'Malformed' }

/** The boundary of a multipart body; undefined for a body that is not multipart (type-is decides, as for koa-body: it is not read). */
const boundaryOf = (req: IncomingMessage): E.Either<FormRefusal, string> | undefined => {
  if (!typeis(req, ['multipart'])) return undefined
  try {
    const boundary = contentType.parse(req).parameters.boundary
    return boundary ? E.right(boundary) : E.left(malformed)
  } catch {
    // type-is reads the header with its own content-type, which may take what this one refuses.
    return E.left(malformed)
  }
}

// formidable's rules for a part's name and file name, kept so both read as they did.
const NAME = /\bname=("([^"]*)"|([^()<>@,;:\\"/[\]?={}\s\t/]+))/i
const FILE_NAME = /\bfilename=("(.*?)"|([^()<>{}[\]@,;:"?=\s/\t]+))($|;\s)/i

const fileNameOf = (disposition: string): string | undefined => {
  const m = FILE_NAME.exec(disposition)
  if (m === null) return undefined
  const sent = m[2] ?? m[3] ?? ''
  return sent
    .slice(sent.lastIndexOf('\\') + 1)
    .replace(/%22/g, '"')
    .replace(/&#(\d{4});/g, (_, code: string) => String.fromCharCode(Number(code)))
}

interface PartHead { readonly name: string; readonly fileName?: string; readonly isFile: boolean }

/** A part's header block: `Name: value` lines. A part is a file when it has a Content-Type or a file name. */
const headOf = (block: string): PartHead | undefined => {
  let disposition: string | undefined
  let typed = false
  for (const line of block === '' ? [] : block.split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon <= 0) return undefined
    const field = line.slice(0, colon).trim().toLowerCase()
    if (field === 'content-disposition') disposition = line.slice(colon + 1).trim()
    else if (field === 'content-type') typed = line.slice(colon + 1).trim() !== ''
  }
  const name = disposition === undefined ? undefined : NAME.exec(disposition)
  if (disposition === undefined || name === null || name === undefined) return undefined
  const fileName = fileNameOf(disposition)
  return { name: name[2] ?? name[3] ?? '', fileName, isFile: typed || fileName !== undefined }
}

/** After a boundary at `at`: `--` (it closes the body) or spaces then CRLF make it a delimiter. */
const endsDelimiter = (body: Buffer, at: number): boolean => {
  if (body[at] === 0x2d && body[at + 1] === 0x2d) return true
  let i = at
  while (body[i] === 0x20 || body[i] === 0x09) i++
  return body[i] === 0x0d && body[i + 1] === 0x0a
}

/** The next `text` from `from` that is a delimiter, not bytes of a part that merely contain it; -1 if none. */
const nextDelimiter = (body: Buffer, text: string, from: number): number => {
  for (let at = body.indexOf(text, from); at >= 0; at = body.indexOf(text, at + 1)) {
    if (endsDelimiter(body, at + text.length)) return at
  }
  return -1
}

/**
 * Splits a whole multipart body (RFC 2046 §5.1.1): a preamble before the first delimiter
 * and an epilogue after the last are ignored; a delimiter may carry trailing spaces; a
 * body that never closes is malformed. Limits are applied part by part, in order.
 */
export const splitForm = (body: Buffer, boundary: string, limits: FormLimits): E.Either<FormRefusal, Form> => {
  const dashBoundary = `--${boundary}`
  const delimiter = `\r\n${dashBoundary}`
  const fields = new Map<string, string[]>()
  const files: FormFile[] = []
  let fieldCount = 0
  let fieldBytes = 0
  const opensAtOnce = body.subarray(0, dashBoundary.length).toString('latin1') === dashBoundary && endsDelimiter(body, dashBoundary.length)
  const first = opensAtOnce ? 0 : nextDelimiter(body, delimiter, 0)
  if (first < 0) return E.left(malformed)
  let at = first + (opensAtOnce ? dashBoundary : delimiter).length
  for (;;) {
    if (body[at] === 0x2d && body[at + 1] === 0x2d) return E.right({ fields, files }) // "--": the close delimiter
    while (body[at] === 0x20 || body[at] === 0x09) at++
    // From the delimiter line's own CRLF, so a part with no headers ends its block at once.
    const blockEnd = body.indexOf('\r\n\r\n', at)
    if (blockEnd < 0) return E.left(malformed)
    const head = headOf(body.toString('utf8', at + 2, Math.max(at + 2, blockEnd)))
    const start = blockEnd + 4
    const end = nextDelimiter(body, delimiter, start)
    if (head === undefined || end < 0) return E.left(malformed)
    const content = body.subarray(start, end)
    if (head.isFile) {
      if (files.length >= limits.maxFiles) return E.left({ _tag: 'TooManyFiles' })
      if (content.length > limits.maxFileBytes) return E.left({ _tag: 'FileTooLarge' })
      files.push({ field: head.name, bytes: content, ...(head.fileName !== undefined ? { fileName: head.fileName } : {}) })
    } else {
      fieldCount += 1
      fieldBytes += content.length
      if (fieldCount > limits.maxFields || fieldBytes > limits.maxFieldBytes) return E.left({ _tag: 'FieldsTooLarge' })
      const values = fields.get(head.name) ?? []
      values.push(content.toString('utf8'))
      fields.set(head.name, values)
    }
    at = end + delimiter.length
  }
}

/**
 * The form a request carries. A body that is not multipart is left unread and gives an
 * empty form (as koa-body did: the route then asks for its file); a refusal before
 * reading leaves the body for the caller to discard.
 */
export const readForm = async (req: IncomingMessage, limits: FormLimits): Promise<E.Either<FormRefusal, Form>> => {
  const boundary = boundaryOf(req)
  if (boundary === undefined) return E.right(EMPTY)
  if (E.isLeft(boundary)) return boundary
  let body: Buffer
  try {
    body = await getRawBody(req, { length: req.headers['content-length'], limit: limits.maxFileBytes + FORM_OVERHEAD_BYTES })
  } catch (err) {
    const status = statusOf(err)
    // Beyond the file's limit and all a form may hold beside it: the file cannot fit.
    if (status === 413) return E.left({ _tag: 'FileTooLarge' })
    // Aborted, or a length that lies: the client's. Anything else is ours, and thrown.
    if (err instanceof Error && status !== undefined && status >= 400 && status < 500) return E.left({ _tag: 'Unreadable', cause: err })
    throw err
  }
  return splitForm(body, boundary.right, limits)
}
