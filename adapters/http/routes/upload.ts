import { createHash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import * as E from 'fp-ts/Either'
import type { Logger } from 'pino'
import type { UseCases } from '../../../application/bound-use-cases'
import type { Principal } from '../../../application/use-cases/authenticate'
import { jsonAnswer, type Answer } from '../answer'
import { MALFORMED_BODY, parserProblem } from '../body'
import { readForm, type Form, type FormLimits, type FormRefusal } from '../multipart'
import { invalidRequest, problem, problemOf, type Problem } from '../problem'
import { logAppError } from '../respond'
import { imageJson } from '../serialize'

/** What an upload's form may hold: one file (in `image`), a few short text fields. */
export const uploadLimits = (maxUploadBytes: number): FormLimits => ({ maxFileBytes: maxUploadBytes, maxFiles: 1, maxFields: 8, maxFieldBytes: 16 * 1024 })

/** Why a form was refused, as the client is told. */
export const formProblem = (refusal: FormRefusal, maxUploadBytes: number): Problem => {
  switch (refusal._tag) {
    case 'FileTooLarge': return problemOf({ _tag: 'FileTooLarge', maxBytes: maxUploadBytes })
    case 'TooManyFiles': return invalidRequest([{ path: 'image', message: 'send exactly one file' }], 'Only one file may be uploaded at a time.')
    case 'FieldsTooLarge': return problem(413, 'payload_too_large', 'Payload too large', 'Too many or too large form fields.')
    case 'Malformed': return invalidRequest([{ path: '(body)', message: 'malformed multipart body' }], 'The multipart body could not be read.')
    case 'Unreadable': return parserProblem(refusal.cause) ?? MALFORMED_BODY
  }
}

interface UploadedFile { readonly bytes: Buffer; readonly fileName?: string }

const HASH_SLICE_BYTES = 1024 * 1024

/**
 * The file's sha256, a mebibyte at a time with other work let in between: hashed in one
 * go, a 20 MiB upload would hold the event loop for ~12 ms.
 */
export const sha256InSlices = async (bytes: Buffer): Promise<string> => {
  const hash = createHash('sha256')
  for (let at = 0; at < bytes.length; at += HASH_SLICE_BYTES) {
    if (at > 0) await new Promise((resolve) => setImmediate(resolve))
    hash.update(bytes.subarray(at, at + HASH_SLICE_BYTES))
  }
  return hash.digest('hex')
}

/** The single uploaded `image` file, or why there is none. */
export const uploadedImage = (form: Form): { file?: UploadedFile; problem?: Problem } => {
  const others = [...new Set(form.files.filter((f) => f.field !== 'image').map((f) => f.field))]
  const images = form.files.filter((f) => f.field === 'image')
  const [entry] = images
  if (entry === undefined && others.length > 0) {
    return { problem: problem(400, 'file_required', 'File required', `Send the image in the multipart field "image", not "${others.join('", "')}".`) }
  }
  if (others.length > 0) return { problem: invalidRequest(others.map((k) => ({ path: k, message: 'unexpected file field; send one file, in "image"' }))) }
  if (entry === undefined) return {}
  if (images.length > 1) return { problem: invalidRequest([{ path: 'image', message: 'send exactly one file' }]) }
  return { file: entry }
}

/** A text field sent once, or a problem when sent several times. */
export const textField = (form: Form, name: string): { value?: string; problem?: Problem } => {
  const values = form.fields.get(name)
  if (values === undefined || values.length === 0) return {}
  if (values.length === 1) return { value: values[0] }
  return { problem: invalidRequest([{ path: name, message: 'send this field once, as text' }]) }
}

/**
 * POST /images once its Content-Encoding is accepted, answered through Koa (routes/images.ts)
 * or before it (fast-routes.ts): the form read whole, the same checks in the same order,
 * the same answer.
 */
export const uploadAnswer = (api: UseCases, publicUrl: string, maxUploadBytes: number) =>
  async (owner: Principal, req: IncomingMessage, log?: Logger): Promise<E.Either<Problem, Answer>> => {
    const form = await readForm(req, uploadLimits(maxUploadBytes))
    if (E.isLeft(form)) return E.left(formProblem(form.left, maxUploadBytes))
    const upload = uploadedImage(form.right)
    const name = textField(form.right, 'name')
    const prob = upload.problem ?? name.problem
    if (prob) return E.left(prob)
    if (!upload.file) return E.left(problemOf({ _tag: 'FileRequired' }))
    const { user, tier } = owner
    const { bytes, fileName } = upload.file
    const image = await api.uploadImage({
      ownerId: user.id, bytes, sha256: await sha256InSlices(bytes), fileName, name: name.value, thumbnailHeights: tier.thumbnailHeights,
    })()
    if (E.isLeft(image)) return E.left(logAppError(log, image.left))
    return E.right(jsonAnswer(201, imageJson(publicUrl, image.right, tier), [['Location', `${publicUrl}/images/${image.right.id}`]]))
  }
