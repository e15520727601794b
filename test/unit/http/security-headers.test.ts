import { expect } from 'chai'
import { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import helmet from 'helmet'
import { helmetHeaders } from '../../../adapters/http/security-headers'

const options = { crossOriginResourcePolicy: { policy: 'cross-origin' as const } }

describe('security headers computed once', () => {
  it('are exactly what helmet sets on a response, names and values', () => {
    const res = new ServerResponse(new IncomingMessage(new Socket()))
    res.setHeader('X-Powered-By', 'something')
    helmet(options)(res.req, res, () => undefined)
    const perRequest = Object.fromEntries(res.getHeaderNames().map((n) => [n, String(res.getHeader(n))]))
    const once = Object.fromEntries(helmetHeaders(options).map(([n, v]) => [n.toLowerCase(), v]))
    expect(once).to.deep.equal(perRequest)
    expect(once).to.include({ 'cross-origin-resource-policy': 'cross-origin', 'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN' })
    expect(Object.keys(once)).not.to.include('x-powered-by')
    expect(helmetHeaders(options).map(([n]) => n)).to.include('Content-Security-Policy')
  })
})
