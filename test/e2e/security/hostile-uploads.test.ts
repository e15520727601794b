import { expect } from 'chai'
import { connect, type Socket } from 'node:net'
import { Client, expectProblem, request, type Reply } from '../../support/http'
import {
  decompressionBombPng, jpegBomb, jpegHeaderThenGarbage, makeJpeg, makePng, pngSignatureThenGarbage, pngWithBadCrc, truncated, unsupportedSamples,
} from '../../support/images'
import { startTestServer, type TestServer } from '../../support/server'
import { expectFootprint, footprint, multipartBody, type Part } from './support/debris'

/**
 * Uploads nobody should send. Each must get a clear 4xx problem, leave the server
 * serving, and leave no row in `images` and no file under the blob root.
 */

const MAX_UPLOAD = 64 * 1024
const HEADERS_TIMEOUT_MS = 1_000
const REQUEST_TIMEOUT_MS = 4_000

describe('security e2e: hostile uploads', function () {
  this.timeout(60_000)
  let server: TestServer
  let client: Client
  let token: string
  let jpeg: Buffer

  before(async () => {
    server = await startTestServer({
      env: {
        IMGTIER_MAX_UPLOAD_BYTES: String(MAX_UPLOAD),
        IMGTIER_MAX_PIXELS: '1000000',
        IMGTIER_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
        IMGTIER_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      },
    })
    client = new Client(server.url)
    const adminToken = await client.login(server.admin.username, server.admin.password)
    token = (await client.newUser(adminToken, 'Enterprise')).token
    jpeg = await makeJpeg({ width: 32, height: 24 })
    // One good upload first: the footprint checks below must see a non-empty store stay the same.
    expect((await client.upload(token, jpeg, 'good.jpg')).status).to.equal(201)
  })
  after(() => server?.close())

  const raw = (body: Buffer, contentType: string): Promise<Reply> =>
    request(`${server.url}/images`, { method: 'POST', token, body, headers: { 'content-type': contentType } })
  const parts = (ps: readonly Part[]): Promise<Reply> => raw(multipartBody(ps), 'multipart/form-data; boundary=imgtier-test-boundary')

  /** Sends, asserts the problem, then asserts the server still serves and kept nothing. */
  const refused = async (send: () => Promise<Reply>, status: number, code: string): Promise<void> => {
    const before = await footprint(server)
    expectProblem(await send(), status, code)
    expect((await client.get('/healthz')).status).to.equal(200)
    await expectFootprint(server, before)
  }

  it('truncated JPEG → 422 image_unreadable', () => refused(() => client.upload(token, truncated(jpeg, 0.5), 'cut.jpg'), 422, 'image_unreadable'))
  it('PNG with a bad CRC → 422 image_unreadable', async () => {
    const bad = await pngWithBadCrc()
    await refused(() => client.upload(token, bad, 'crc.png'), 422, 'image_unreadable')
  })
  it('truncated PNG → 422 image_unreadable', async () => {
    const png = await makePng({ width: 32, height: 24 })
    await refused(() => client.upload(token, truncated(png, 0.7), 'cut.png'), 422, 'image_unreadable')
  })
  it('PNG decompression bomb (30000×30000 in a few hundred bytes) → 422 image_too_many_pixels', () =>
    refused(() => client.upload(token, decompressionBombPng(), 'bomb.png'), 422, 'image_too_many_pixels'))
  it('JPEG bomb (a header claiming 65000×65000) → 422 image_too_many_pixels', async () => {
    const bomb = await jpegBomb()
    await refused(() => client.upload(token, bomb, 'bomb.jpg'), 422, 'image_too_many_pixels')
  })
  it('JPEG magic then garbage, PNG signature then garbage → 422 image_unreadable', async () => {
    await refused(() => client.upload(token, jpegHeaderThenGarbage(), 'x.jpg', {}, 'image/jpeg'), 422, 'image_unreadable')
    await refused(() => client.upload(token, pngSignatureThenGarbage(), 'x.png', {}, 'image/png'), 422, 'image_unreadable')
  })

  it('GIF, BMP, TIFF, WebP, SVG, PDF, HEIC, text and a GIF/JPEG polyglot renamed .jpg → 415 unsupported_image_format', async () => {
    for (const sample of await unsupportedSamples()) {
      await refused(() => client.upload(token, sample.bytes, `${sample.name}.jpg`, {}, 'image/jpeg'), 415, 'unsupported_image_format')
    }
  })
  it('polyglots that start as something else and carry a JPEG → 415 (the first bytes decide)', async () => {
    const html = Buffer.concat([Buffer.from('<html><script>alert(1)</script>'), jpeg])
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), jpeg])
    for (const bytes of [html, pdf]) await refused(() => client.upload(token, bytes, 'poly.jpg', {}, 'image/jpeg'), 415, 'unsupported_image_format')
  })

  it('zero bytes → 400 file_required', () => refused(() => client.upload(token, Buffer.alloc(0), 'empty.jpg'), 400, 'file_required'))
  it('no file at all → 400 file_required', () => refused(() => parts([{ name: 'name', data: 'lonely' }]), 400, 'file_required'))
  it('two files in the one field → 400 invalid_request', () =>
    refused(() => parts([{ name: 'image', fileName: 'a.jpg', data: jpeg }, { name: 'image', fileName: 'b.jpg', data: jpeg }]), 400, 'invalid_request'))
  it('the file in another field → 400 file_required (no file in "image")', () =>
    refused(() => parts([{ name: 'file', fileName: 'a.jpg', data: jpeg }]), 400, 'file_required'))
  it('a second file beside "image" → 400 invalid_request', () =>
    refused(() => parts([{ name: 'image', fileName: 'a.jpg', data: jpeg }, { name: 'extra', fileName: 'b.jpg', data: jpeg }]), 400, 'invalid_request'))
  it('a file larger than the limit → 413 file_too_large', () =>
    refused(() => client.upload(token, Buffer.concat([jpeg, Buffer.alloc(MAX_UPLOAD)]), 'big.jpg'), 413, 'file_too_large'))
  it('an oversized text field → 413 payload_too_large', () =>
    refused(() => parts([{ name: 'image', fileName: 'a.jpg', data: jpeg }, { name: 'name', data: 'x'.repeat(64 * 1024) }]), 413, 'payload_too_large'))
  it('a flood of text fields → 413 payload_too_large', () =>
    refused(() => parts([{ name: 'image', fileName: 'a.jpg', data: jpeg }, ...Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, data: 'x' }))]), 413, 'payload_too_large'))
  it('the name field twice → 400 invalid_request', () =>
    refused(() => parts([{ name: 'image', fileName: 'a.jpg', data: jpeg }, { name: 'name', data: 'one' }, { name: 'name', data: 'two' }]), 400, 'invalid_request'))

  for (const [what, name] of [
    ['a NUL', 'cat\u0000.exe'], ['a newline', 'cat\nSet-Cookie: x=1'], ['an escape sequence', '\u001b[31mred'], ['DEL', 'cat\u007f'],
    ['10 000 characters', 'n'.repeat(10_000)],
  ] as const) {
    it(`a name with ${what} → 400 invalid_request on name`, async () => {
      const before = await footprint(server)
      const reply = await client.upload(token, jpeg, 'ok.jpg', { name })
      expectProblem(reply, 400, 'invalid_request')
      expect(reply.json.errors.map((e: { path: string }) => e.path)).to.include('name')
      await expectFootprint(server, before)
    })
  }
  it('a file name with control characters and 10 000 characters → 400, never stored as the default name', async () => {
    await refused(() => parts([{ name: 'image', fileName: `evil\u0007${'z'.repeat(10_000)}.jpg`, data: jpeg }]), 400, 'invalid_request')
  })

  it('multipart without a boundary → 400 invalid_request', () =>
    refused(() => raw(multipartBody([{ name: 'image', fileName: 'a.jpg', data: jpeg }]), 'multipart/form-data'), 400, 'invalid_request'))
  it('a multipart body that never closes its boundary → 400 invalid_request', () =>
    refused(() => raw(multipartBody([{ name: 'image', fileName: 'a.jpg', data: jpeg }]).subarray(0, 200), 'multipart/form-data; boundary=imgtier-test-boundary'), 400, 'invalid_request'))
  it('not multipart at all (JSON, raw bytes) → 4xx, nothing stored', async () => {
    for (const [body, type] of [[Buffer.from('{"image":"x"}'), 'application/json'], [jpeg, 'image/jpeg']] as const) {
      const before = await footprint(server)
      const reply = await raw(body, type)
      expect(reply.status).to.be.within(400, 499)
      expect(reply.json.code).to.be.a('string')
      await expectFootprint(server, before)
    }
  })

  /** Opens a raw socket, sends `head` and part of a body, and lets a test decide when it ends. */
  const rawSocket = (head: string): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const { port } = new URL(server.url)
      const socket = connect(Number(port), '127.0.0.1', () => { socket.write(head); resolve(socket) })
      socket.once('error', reject)
    })
  const uploadHead = (length: number) =>
    `POST /images HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
    `Content-Type: multipart/form-data; boundary=imgtier-test-boundary\r\nContent-Length: ${length}\r\n\r\n`

  it('a client that disconnects half-way through the body leaves nothing behind, and the server keeps serving', async () => {
    const before = await footprint(server)
    const body = multipartBody([{ name: 'image', fileName: 'a.jpg', data: Buffer.concat([jpeg, Buffer.alloc(16 * 1024)]) }])
    for (let i = 0; i < 3; i++) {
      const socket = await rawSocket(uploadHead(body.length))
      socket.on('error', () => undefined) // the reset we cause ourselves
      await new Promise<void>((resolve) => socket.write(body.subarray(0, Math.floor(body.length / 2)), () => resolve()))
      await new Promise((r) => setTimeout(r, 50))
      socket.destroy()
    }
    await expectFootprint(server, before)
    expect((await client.get('/healthz')).status).to.equal(200)
    expect((await client.upload(token, jpeg, 'after.jpg')).status).to.equal(201)
  })

  /** Resolves with the time from now until the server closes the socket, and what it sent. */
  const closedAfter = (socket: Socket): Promise<{ ms: number; received: string }> => {
    const started = Date.now()
    let received = ''
    socket.on('data', (d: Buffer) => { received += d.toString('latin1') })
    socket.on('error', () => undefined)
    return new Promise((resolve) => socket.once('close', () => resolve({ ms: Date.now() - started, received })))
  }

  it(`slow-loris: headers never finished → the server closes the connection within its header timeout (${HEADERS_TIMEOUT_MS} ms here)`, async () => {
    const socket = await rawSocket(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n`)
    const drip = setInterval(() => socket.write('X-Drip: 1\r\n'), 200)
    try {
      const { ms, received } = await closedAfter(socket)
      expect(ms).to.be.below(HEADERS_TIMEOUT_MS + 2_000)
      // Node answers 408 before closing when it still can; a bare close is fine too.
      if (received !== '') expect(received).to.match(/^HTTP\/1\.1 408/)
    } finally {
      clearInterval(drip)
      socket.destroy()
    }
    expect((await client.get('/healthz')).status).to.equal(200)
  })

  it(`slow-loris upload: a body that trickles → closed within the request timeout (${REQUEST_TIMEOUT_MS} ms here), nothing stored`, async () => {
    const before = await footprint(server)
    const body = multipartBody([{ name: 'image', fileName: 'a.jpg', data: jpeg }])
    const socket = await rawSocket(uploadHead(body.length))
    let at = 0
    const drip = setInterval(() => { if (at < body.length - 1) socket.write(body.subarray(at, ++at)) }, 100)
    try {
      const { ms } = await closedAfter(socket)
      expect(ms).to.be.below(REQUEST_TIMEOUT_MS + 2_000)
    } finally {
      clearInterval(drip)
      socket.destroy()
    }
    await expectFootprint(server, before)
    expect((await client.get('/healthz')).status).to.equal(200)
  })
})
