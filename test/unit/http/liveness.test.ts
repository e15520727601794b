import { expect } from 'chai'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FinishedRequest } from '../../../adapters/http/edge'
import { livenessFastPath } from '../../../adapters/http/liveness'

/** A server whose only other way to answer is 418: what the fast path leaves shows. */
const serve = async (take: (req: IncomingMessage, res: ServerResponse) => boolean) => {
  const server = createServer((req, res) => {
    if (!take(req, res)) res.writeHead(418).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

describe('http: the liveness fast path', () => {
  it('takes exactly GET /healthz without Origin, answers it with the given headers, and records it', async () => {
    const recorded: FinishedRequest[] = []
    const server = await serve(livenessFastPath({ headers: [['X-Frame-Options', 'SAMEORIGIN']], record: (r) => recorded.push(r) }))
    try {
      const res = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'abc-123' } })
      expect(res.status).to.equal(200)
      expect(await res.text()).to.equal('{"status":"ok"}')
      expect(Object.fromEntries(['x-request-id', 'x-frame-options', 'cache-control', 'content-type', 'content-length'].map((h) => [h, res.headers.get(h)]))).to.deep.equal({
        'x-request-id': 'abc-123', 'x-frame-options': 'SAMEORIGIN', 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8', 'content-length': '15',
      })
      // An unsafe request id is replaced, as the edge replaces it.
      const unsafe = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'bad id\u00e9' } })
      expect(unsafe.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/)
      expect(recorded.map((r) => [r.method, r.route, r.status])).to.deep.equal([['GET', '/healthz', 200], ['GET', '/healthz', 200]])
      expect(recorded[0]?.requestId).to.equal('abc-123')
      const left = [
        fetch(`${server.url}/healthz?x=1`), fetch(`${server.url}/healthz/`), fetch(`${server.url}/HEALTHZ`), fetch(`${server.url}/healthz`, { method: 'HEAD' }),
        fetch(`${server.url}/healthz`, { method: 'POST' }), fetch(`${server.url}/healthz`, { headers: { origin: 'https://x.example' } }),
      ]
      expect((await Promise.all(left)).map((r) => r.status)).to.deep.equal([418, 418, 418, 418, 418, 418])
      expect(recorded).to.have.length(2)
    } finally {
      await server.close()
    }
  })
})
