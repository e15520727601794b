import { expect } from 'chai'
import { connect, type Socket } from 'node:net'
import { Client } from '../support/http'
import { makeGrainyJpeg, makeJpeg } from '../support/images'
import { startImgtierProcess, type ImgtierProcess } from '../support/process'

/**
 * SIGTERM drains: /readyz answers 503 at once, new connections are refused, the uploads
 * and downloads in flight finish with their normal answers, and the process then exits by
 * itself with code 0. Proven against the real process (`npm start`).
 */

const UPLOADS = 6
const DOWNLOADS = 3
const SEND_MS = 2_500

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A multipart upload whose body trickles in over `ms`, so that it is in flight for that long. */
const slowUpload = (url: string, token: string, jpeg: Buffer, ms: number, started: () => void): Promise<{ status: number; json: { id?: string; bytes?: number } }> => {
  const boundary = `----imgtier${Math.random().toString(36).slice(2)}`
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="slow.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`)
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  const slices = 10
  const step = Math.ceil(jpeg.length / slices)
  const parts = [head, ...Array.from({ length: slices }, (_, i) => jpeg.subarray(i * step, (i + 1) * step)), tail]
  let sent = 0
  // Pulled only once fetch has connected and written the request head: from then on the request is in flight.
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent === 0) started()
      else await sleep(ms / slices)
      const part = parts[sent++]
      if (part) controller.enqueue(part)
      if (sent >= parts.length) controller.close()
    },
  })
  return fetch(`${url}/images`, {
    method: 'POST', body, duplex: 'half',
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
  } as RequestInit).then(async (res) => ({ status: res.status, json: (await res.json()) as { id?: string; bytes?: number } }))
}

/** A download read a little at a time until `slow()` turns false, so that the server is still sending after the signal. */
const slowDownload = async (url: string, token: string, firstChunk: () => void, slow: () => boolean): Promise<{ status: number; bytes: number }> => {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
  const reader = res.body?.getReader()
  let bytes = 0
  for (;;) {
    const next = await reader?.read()
    if (!next || next.done) break
    if (bytes === 0) firstChunk()
    bytes += next.value.length
    if (slow()) await sleep(15)
  }
  return { status: res.status, bytes }
}

/** A request whose headers are half sent: its connection is busy, not idle, when the signal comes. */
const halfSentRequest = (port: number, path: string): Promise<{ socket: Socket; finish: () => Promise<string> }> =>
  new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n`)
      resolve({
        socket,
        finish: () => new Promise<string>((done) => {
          let text = ''
          socket.on('data', (d: Buffer) => { text += d.toString('latin1') })
          socket.on('close', () => done(text))
          socket.on('error', () => done(text))
          setTimeout(() => { socket.destroy(); done(text) }, 10_000).unref()
          socket.write('\r\n')
        }),
      })
    })
    socket.once('error', reject)
  })

const refusedNow = async (url: string): Promise<boolean> => {
  try {
    await fetch(`${url}/healthz`, { headers: { connection: 'close' } })
    return false
  } catch (err) {
    return err instanceof Error && err.cause instanceof Error && 'code' in err.cause && err.cause.code === 'ECONNREFUSED'
  }
}

describe('the real process: SIGTERM drains requests in flight, then exits', function () {
  this.timeout(180_000)
  let proc: ImgtierProcess

  before(async () => { proc = await startImgtierProcess({ IMGTIER_MAX_UPLOAD_BYTES: String(64 * 1024 * 1024) }) })
  after(() => proc?.dispose())

  it(`${UPLOADS} uploads and ${DOWNLOADS} downloads in flight all complete; /readyz 503 during the drain; new connections refused; exit 0`, async () => {
    const client = new Client(proc.url)
    const token = await client.login(proc.admin.username, proc.admin.password)
    // Larger than the kernel's socket buffers hold: the server is still sending when the signal comes.
    const big = await makeGrainyJpeg({ width: 4000, height: 3000, grain: 1, quality: 95 })
    const stored = await client.upload(token, big, 'big.jpg')
    expect(stored.status).to.equal(201)
    const small = await makeJpeg({ width: 64, height: 48 })
    const readyBefore = await client.get('/readyz')
    expect(readyBefore.status).to.equal(200)

    let uploadsStarted = 0
    let downloadsStarted = 0
    const uploads = Array.from({ length: UPLOADS }, () => slowUpload(proc.url, token, small, SEND_MS, () => { uploadsStarted++ }))
    let slowReaders = true
    const downloads = Array.from({ length: DOWNLOADS }, () => slowDownload(`${proc.url}/images/${stored.json.id}/original`, token, () => { downloadsStarted++ }, () => slowReaders))
    const readyz = await halfSentRequest(Number(new URL(proc.url).port), '/readyz')
    while (uploadsStarted < UPLOADS || downloadsStarted < DOWNLOADS) await sleep(20)
    await sleep(300) // the upload headers are at the server

    let settled = 0
    for (const p of [...uploads, ...downloads]) void p.then(() => { settled++ }, () => { settled++ })
    const signalled = Date.now()
    proc.child.kill('SIGTERM')
    await sleep(200)

    // On a connection that was already busy: readiness fails at once, and the connection is not kept.
    const ready = await readyz.finish()
    slowReaders = false
    expect(ready).to.match(/^HTTP\/1\.1 503 /)
    expect(ready).to.include('not_ready')
    expect(ready).to.match(/\r\nconnection: close\r\n/i)

    // A new connection is refused while the old requests are still being served.
    let refused = false
    while (!refused && Date.now() - signalled < 2_000) refused = await refusedNow(proc.url)
    expect(refused, 'new connections are refused during the drain').to.equal(true)
    expect(settled, 'the requests in flight were still running when connections were refused').to.be.below(UPLOADS + DOWNLOADS)

    const uploaded = await Promise.all(uploads)
    for (const u of uploaded) {
      expect(u.status, JSON.stringify(u.json)).to.equal(201)
      expect(u.json.bytes).to.equal(small.length)
    }
    for (const d of await Promise.all(downloads)) expect(d).to.deep.equal({ status: 200, bytes: big.length })

    const code = await proc.exited()
    expect(code, proc.output().slice(-2_000)).to.equal(0)
    expect(Date.now() - signalled, 'well within the 25 s grace').to.be.below(20_000)
    expect(proc.output()).to.include('drained: every request in flight finished')
  })
})
