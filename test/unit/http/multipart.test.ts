import { expect } from 'chai'
import { createHash } from 'node:crypto'
import * as E from 'fp-ts/Either'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readForm, splitForm, type Form, type FormLimits } from '../../../adapters/http/multipart'
import { sha256InSlices } from '../../../adapters/http/routes/upload'

const LIMITS: FormLimits = { maxFileBytes: 64, maxFiles: 1, maxFields: 3, maxFieldBytes: 32 }
const CRLF = '\r\n'

const part = (disposition: string, content: string | Buffer, type?: string): Buffer =>
  Buffer.concat([Buffer.from(`--b${CRLF}Content-Disposition: ${disposition}${CRLF}${type ? `Content-Type: ${type}${CRLF}` : ''}${CRLF}`), Buffer.from(content), Buffer.from(CRLF)])
const body = (...parts: Buffer[]): Buffer => Buffer.concat([...parts, Buffer.from(`--b--${CRLF}`)])

const split = (b: Buffer | string, limits = LIMITS): E.Either<string, Form> =>
  E.mapLeft((r: { _tag: string }) => r._tag)(splitForm(Buffer.from(b), 'b', limits))
const form = (b: Buffer | string): Form => {
  const f = split(b)
  if (E.isLeft(f)) throw new Error(`refused: ${f.left}`)
  return f.right
}

describe('http: multipart forms, read whole and split', () => {
  it('splits a file and text fields; the file is a view of the body, byte for byte', () => {
    const bytes = Buffer.from([0, 13, 10, 45, 45, 98, 255, 13, 10, 45, 45, 98, 99]) // NUL; CRLF "--b" twice, neither a delimiter
    const f = form(body(part('form-data; name="image"; filename="cat.jpg"', bytes, 'image/jpeg'), part('form-data; name="name"', 'Mina ☕')))
    expect(f.files).to.have.length(1)
    expect(f.files[0]).to.include({ field: 'image', fileName: 'cat.jpg' })
    expect(f.files[0]?.bytes.equals(bytes)).to.equal(true)
    expect([...f.fields]).to.deep.equal([['name', ['Mina ☕']]])
  })

  it('keeps every value of a repeated field, in order', () => {
    expect(form(body(part('form-data; name="a"', '1'), part('form-data; name="a"', '2'))).fields.get('a')).to.deep.equal(['1', '2'])
  })

  it('a part is a file when it has a Content-Type or a file name', () => {
    const f = splitForm(body(part('form-data; name="typed"', 'x', 'image/png'), part('form-data; name="named"; filename="n.png"', 'y'), part('form-data; name="text"', 'z')), 'b', { ...LIMITS, maxFiles: 2 })
    if (E.isLeft(f)) throw new Error(f.left._tag)
    expect(f.right.files.map((x) => [x.field, x.fileName])).to.deep.equal([['typed', undefined], ['named', 'n.png']])
    expect([...f.right.fields.keys()]).to.deep.equal(['text'])
  })

  it('reads file names as before: the part after a last backslash, %22 as a quote, a UTF-8 name as sent', () => {
    const name = (disposition: string) => form(body(part(disposition, 'x', 'image/png'))).files[0]?.fileName
    expect(name('form-data; name="image"; filename="C:\\photos\\cat.jpg"')).to.equal('cat.jpg')
    expect(name('form-data; name="image"; filename="say %22cheese%22.jpg"')).to.equal('say "cheese".jpg')
    expect(name('form-data; name="image"; filename="фото.jpg"')).to.equal('фото.jpg')
    expect(name('form-data; name="image"; filename=token.jpg')).to.equal('token.jpg')
    expect(name('form-data; name="image"; filename=""')).to.equal('')
  })

  it('ignores a preamble, an epilogue and spaces after a delimiter; takes a part without headers as malformed', () => {
    const f = form(`preamble${CRLF}--b  ${CRLF}Content-Disposition: form-data; name="a"${CRLF}${CRLF}1${CRLF}--b--${CRLF}epilogue`)
    expect(f.fields.get('a')).to.deep.equal(['1'])
    expect(split(`--b${CRLF}${CRLF}headless${CRLF}--b--`)).to.deep.equal(E.left('Malformed'))
  })

  it('gives an empty form for a body with only its close delimiter', () => {
    expect(form(`--b--${CRLF}`)).to.deep.equal({ fields: new Map(), files: [] })
  })

  it('refuses what is not a whole form: no delimiter, no close, a header without a colon, no name', () => {
    for (const bad of [
      'no delimiter at all',
      `--b${CRLF}Content-Disposition: form-data; name="a"${CRLF}${CRLF}never closed`,
      `--bX${CRLF}`,
      `--b${CRLF}Content-Disposition form-data${CRLF}${CRLF}x${CRLF}--b--`,
      `--b${CRLF}Content-Disposition: form-data${CRLF}${CRLF}x${CRLF}--b--`,
      `--b${CRLF}Content-Type: text/plain${CRLF}${CRLF}x${CRLF}--b--`,
      `--b${CRLF}Content-Disposition: form-data; name="a"`,
      '',
    ]) expect(split(bad), JSON.stringify(bad)).to.deep.equal(E.left('Malformed'))
  })

  it('applies the limits part by part: files, file size, field count and field bytes', () => {
    const file = (n: number) => part('form-data; name="image"; filename="a.png"', Buffer.alloc(n), 'image/png')
    expect(E.isRight(split(body(file(64))))).to.equal(true)
    expect(split(body(file(65)))).to.deep.equal(E.left('FileTooLarge'))
    expect(split(body(file(1), file(1)))).to.deep.equal(E.left('TooManyFiles'))
    const field = (i: number, v = 'x') => part(`form-data; name="f${i}"`, v)
    expect(E.isRight(split(body(field(1), field(2), field(3))))).to.equal(true)
    expect(split(body(field(1), field(2), field(3), field(4)))).to.deep.equal(E.left('FieldsTooLarge'))
    expect(split(body(field(1, 'x'.repeat(20)), field(2, 'x'.repeat(13))))).to.deep.equal(E.left('FieldsTooLarge'))
  })
})

describe('http: readForm', () => {
  /** Runs readForm on what a client sends; answers with what it gave. */
  const sent = async (headers: Record<string, string>, payload: Buffer | string, limits = LIMITS): Promise<unknown> => {
    let result: unknown
    const server = createServer((req: IncomingMessage, res) => {
      void readForm(req, limits).then((f) => {
        result = E.isRight(f) ? { files: f.right.files.map((x) => x.bytes.toString()), fields: [...f.right.fields] } : f.left._tag
        res.end()
      }, (err: unknown) => {
        result = `threw ${String(err)}`
        res.end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { method: 'POST', headers, body: payload }).then((r) => r.arrayBuffer()).catch(() => undefined)
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
    return result
  }
  const multipart = { 'content-type': 'multipart/form-data; boundary=b' }

  it('reads a multipart body whole and splits it', async () => {
    expect(await sent(multipart, body(part('form-data; name="image"; filename="a"', 'bytes', 'image/png')))).to.deep.equal({ files: ['bytes'], fields: [] })
  })

  it('leaves a body that is not multipart unread: an empty form', async () => {
    expect(await sent({ 'content-type': 'application/json' }, '{"a":1}')).to.deep.equal({ files: [], fields: [] })
    expect(await sent({ 'content-type': 'nonsense;;' }, 'x')).to.deep.equal({ files: [], fields: [] })
  })

  it('refuses a multipart type without a boundary before reading, and a body past the file and form limits as too large', async () => {
    expect(await sent({ 'content-type': 'multipart/form-data' }, 'x')).to.equal('Malformed')
    expect(await sent(multipart, Buffer.alloc(LIMITS.maxFileBytes + 64 * 1024 + 1))).to.equal('FileTooLarge')
  })
})

describe('http: an upload\'s hash', () => {
  it('is the sha256 of the whole file, hashed a mebibyte at a time with the event loop let in between', async () => {
    const bytes = Buffer.alloc(2.5 * 1024 * 1024)
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff
    const order: string[] = []
    const hashing = sha256InSlices(bytes).then((hex) => {
      order.push('hashed')
      return hex
    })
    setImmediate(() => order.push('other work'))
    expect(await hashing).to.equal(createHash('sha256').update(bytes).digest('hex'))
    expect(order).to.deep.equal(['other work', 'hashed'])
    expect(await sha256InSlices(Buffer.alloc(0))).to.equal(createHash('sha256').digest('hex'))
    expect(await sha256InSlices(Buffer.from('abc'))).to.equal(createHash('sha256').update('abc').digest('hex'))
  })
})
