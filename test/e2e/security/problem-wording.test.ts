import { expect } from 'chai'
import { PassThrough } from 'node:stream'
import pino from 'pino'
import { Client, expectProblem, request, type Reply } from '../../support/http'
import { makeJpeg, makePng, truncated } from '../../support/images'
import { startTestServer, type TestServer } from '../../support/server'

/**
 * A problem's `detail` speaks the API's language: what is wrong with the request, never
 * the text of the decoder, parser or driver that found it. That text goes to the log.
 */

/** Words of the libraries under the API: none may reach a client. */
const LIBRARY_TEXT = /vips|sharp|libjpeg|libpng|libspng|jpeg:|png:|premature|huffman|crc|formidable|busboy|unexpected token|JSON at position|knex|pglite|postgres|sql|ECONN|EPIPE|stack|\bat \w+ \(/i

const expectOwnWords = (reply: Reply): void => {
  expect(reply.json?.detail, JSON.stringify(reply.json)).to.be.a('string')
  expect(reply.json.detail).not.to.match(LIBRARY_TEXT)
  for (const e of reply.json.errors ?? []) expect(e.message).not.to.match(LIBRARY_TEXT)
}

describe('security e2e: problem wording', function () {
  this.timeout(60_000)
  let server: TestServer
  let api: Client
  let token: string
  let log = ''

  before(async () => {
    const sink = new PassThrough()
    sink.on('data', (d: Buffer) => { log += d.toString() })
    server = await startTestServer({ logger: pino({ level: 'info' }, sink) })
    api = new Client(server.url)
    token = (await api.newUser(await api.login(server.admin.username, server.admin.password), 'Enterprise')).token
  })
  after(() => server?.close())

  it('says an unreadable image is truncated or corrupt, in its own words, and logs what the decoder said', async () => {
    const jpeg = await makeJpeg({ width: 400, height: 300 })
    const png = await makePng({ width: 300, height: 200 })
    const badCrc = Buffer.from(png)
    badCrc[29] = (badCrc[29] ?? 0) ^ 0xff // inside IHDR: its CRC no longer matches
    for (const bytes of [truncated(jpeg), truncated(png), badCrc, Buffer.concat([jpeg.subarray(0, 4), Buffer.alloc(2000, 0x41)])]) {
      log = ''
      const r = await api.upload(token, bytes, 'broken.img')
      expectProblem(r, 422, 'image_unreadable')
      expectOwnWords(r)
      expect(r.json.detail).to.match(/truncated|corrupt/)
      // The library's own words are kept where an operator looks for them.
      await new Promise((resolve) => setImmediate(resolve))
      expect(log).to.match(/image_unreadable/)
      expect(log).to.match(/"reason":"[^"]+"/)
    }
  })

  it('keeps every other refusal of hostile input in its own words', async () => {
    const replies = [
      await request(`${server.url}/auth/login`, { body: '{"username": "a",', headers: { 'content-type': 'application/json' } }),
      await request(`${server.url}/auth/login`, { body: '{"username": 5, "password": []}', headers: { 'content-type': 'application/json' } }),
      await request(`${server.url}/images`, { body: '--x\r\nContent-Disposition: form-data; name="image"; filename="a"\r\n\r\nabc', headers: { authorization: `Bearer ${token}`, 'content-type': 'multipart/form-data; boundary=x' } }),
      await api.upload(token, Buffer.from('GIF89a\x01\x00\x01\x00'), 'a.gif'),
      await api.get('/images?cursor=%FF%FE', token),
      await api.get('/images/not-a-uuid', token),
      await api.get('/images/00000000-0000-0000-0000-000000000000/thumbnails/12abc', token),
    ]
    for (const r of replies) {
      expect(r.status, JSON.stringify(r.json)).to.be.within(400, 499)
      expectOwnWords(r)
    }
  })
})
