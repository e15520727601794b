import { expect } from 'chai'
import { connect } from 'node:net'
import { Client } from '../support/http'
import { startImgtierProcess, type ImgtierProcess } from '../support/process'

/**
 * A refused body must reach the client as its answer, not as a reset: the server answers
 * 413 while the client is still sending, then keeps reading (and discarding) the rest for
 * a bounded time and size. Proven against the real process with Node's own fetch, many
 * times, since a torn-down connection shows up only in some tries.
 */

const TRIES = 30
const MAX_UPLOAD = 1024 * 1024

type Outcome = { readonly status: number; readonly code?: string; readonly type: string } | { readonly error: string }

const attempt = async (send: () => Promise<Response>): Promise<Outcome> => {
  try {
    const res = await send()
    const text = await res.text()
    const type = res.headers.get('content-type') ?? ''
    return { status: res.status, type, code: /json/.test(type) ? JSON.parse(text).code : undefined }
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err
    return { error: cause instanceof Error ? `${'code' in cause ? String(cause.code) : cause.name}: ${cause.message}` : String(cause) }
  }
}

const tally = (outcomes: readonly Outcome[]): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const o of outcomes) {
    const key = 'error' in o ? o.error : `${o.status} ${o.code ?? ''}`
    out[key] = (out[key] ?? 0) + 1
  }
  return out
}

describe('the real process: oversize bodies answer 413, never a reset', function () {
  this.timeout(180_000)
  let proc: ImgtierProcess
  let token: string

  before(async () => {
    proc = await startImgtierProcess({ IMGTIER_MAX_UPLOAD_BYTES: String(MAX_UPLOAD) })
    token = await new Client(proc.url).login(proc.admin.username, proc.admin.password)
  })
  after(() => proc?.dispose())

  const expectAll413 = (outcomes: readonly Outcome[], code: string) => {
    const expected = `413 ${code}`
    expect(tally(outcomes), 'every try sees the 413 problem').to.deep.equal({ [expected]: TRIES })
    for (const o of outcomes) if (!('error' in o)) expect(o.type).to.match(/^application\/problem\+json/)
  }

  it(`an upload 7 times over IMGTIER_MAX_UPLOAD_BYTES: ${TRIES} of ${TRIES} fetches see 413 file_too_large`, async () => {
    const bytes = Buffer.alloc(7 * MAX_UPLOAD, 0xab)
    const outcomes: Outcome[] = []
    for (let i = 0; i < TRIES; i++) {
      const form = new FormData()
      form.append('image', new Blob([bytes]), 'big.jpg')
      outcomes.push(await attempt(() => fetch(`${proc.url}/images`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })))
    }
    expectAll413(outcomes, 'file_too_large')
  })

  it(`a 6 MB JSON login: ${TRIES} of ${TRIES} fetches see 413 payload_too_large`, async () => {
    const body = JSON.stringify({ username: 'someone', password: 'x'.repeat(6 * 1024 * 1024) })
    const outcomes: Outcome[] = []
    for (let i = 0; i < TRIES; i++) {
      outcomes.push(await attempt(() => fetch(`${proc.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })))
    }
    expectAll413(outcomes, 'payload_too_large')
  })

  it('a client that goes on sending is cut after a bounded linger (time and bytes), having had its 413', async () => {
    const started = Date.now()
    const result = await new Promise<{ response: string; closedAfterMs: number }>((resolve, reject) => {
      const socket = connect(Number(new URL(proc.url).port), '127.0.0.1')
      let response = ''
      const chunk = Buffer.alloc(64 * 1024, 0x61)
      let writing = true
      const pump = () => { while (writing && socket.write(chunk)); }
      socket.on('connect', () => {
        socket.write('POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n')
        pump()
      })
      socket.on('drain', pump)
      socket.on('data', (d: Buffer) => { response += d.toString('latin1') })
      socket.on('error', () => undefined) // the cut: a reset is expected here, after the answer
      socket.on('close', () => { writing = false; resolve({ response, closedAfterMs: Date.now() - started }) })
      setTimeout(() => { socket.destroy(); reject(new Error('the server never cut an endless body')) }, 30_000).unref()
    })
    expect(result.response).to.match(/^HTTP\/1\.1 413 /)
    expect(result.response).to.include('payload_too_large')
    expect(result.closedAfterMs, 'cut within the linger bound').to.be.below(10_000)
  })
})
