import { expect } from 'chai'
import { checkAgainstOpenApi } from './openapi-check'

/** A small HTTP client for e2e tests: real requests, with helpers for the common shapes. */
export interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly body: Buffer
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly json: any // eslint-disable-line @typescript-eslint/no-explicit-any -- test assertions walk arbitrary JSON
}

export interface RequestOptions {
  readonly token?: string
  readonly json?: unknown
  readonly body?: RequestInit['body']
  readonly headers?: Record<string, string>
  readonly method?: string
}

export const request = async (url: string, o: RequestOptions = {}): Promise<Reply> => {
  const headers: Record<string, string> = { ...(o.headers ?? {}) }
  if (o.token) headers.authorization = `Bearer ${o.token}`
  let body = o.body
  if (o.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(o.json)
  }
  const method = o.method ?? (body !== undefined ? 'POST' : 'GET')
  const res = await fetch(url, { method, headers, body, redirect: 'manual' })
  const bytes = Buffer.from(await res.arrayBuffer())
  // Every answer an e2e suite receives is also held to the OpenAPI document.
  checkAgainstOpenApi({ method, url, status: res.status, headers: res.headers, body: bytes })
  const type = res.headers.get('content-type') ?? ''
  const json = /json/.test(type) && bytes.length > 0 ? JSON.parse(bytes.toString('utf8')) : undefined
  return { status: res.status, headers: res.headers, body: bytes, json }
}

/** Asserts a problem+json answer with this status and code. */
export const expectProblem = (reply: Reply, status: number, code: string): void => {
  expect(reply.status, `status (body: ${reply.body.toString('utf8').slice(0, 300)})`).to.equal(status)
  expect(reply.headers.get('content-type')).to.match(/^application\/problem\+json/)
  expect(reply.json).to.include({ status, code })
  expect(reply.json.type).to.be.a('string')
  expect(reply.json.title).to.be.a('string')
  expect(reply.json.detail).to.be.a('string')
  expect(JSON.stringify(reply.json)).not.to.match(/\bat .+\.(ts|js):\d+/) // no stack trace, ever
}

/** A problem body without its `requestId`: two requests' answers compared for what they say, not which request they were. */
export const sansRequestId = (body: unknown): unknown => {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body
  return Object.fromEntries(Object.entries(body).filter(([k]) => k !== 'requestId'))
}

export class Client {
  constructor(readonly base: string) {}

  async login(username: string, password: string): Promise<string> {
    const r = await request(`${this.base}/auth/login`, { json: { username, password } })
    expect(r.status, JSON.stringify(r.json)).to.equal(200)
    return r.json.accessToken
  }

  get(path: string, token?: string, headers?: Record<string, string>): Promise<Reply> {
    return request(`${this.base}${path}`, { token, headers })
  }

  head(path: string, token?: string): Promise<Reply> {
    return request(`${this.base}${path}`, { token, method: 'HEAD' })
  }

  post(path: string, json: unknown, token?: string): Promise<Reply> {
    return request(`${this.base}${path}`, { token, json })
  }

  patch(path: string, json: unknown, token?: string): Promise<Reply> {
    return request(`${this.base}${path}`, { token, json, method: 'PATCH' })
  }

  delete(path: string, token?: string): Promise<Reply> {
    return request(`${this.base}${path}`, { token, method: 'DELETE' })
  }

  upload(token: string, bytes: Buffer, fileName = 'photo.jpg', fields: Record<string, string> = {}, type = 'application/octet-stream'): Promise<Reply> {
    const form = new FormData()
    form.append('image', new Blob([bytes], { type }), fileName)
    for (const [k, v] of Object.entries(fields)) form.append(k, v)
    return request(`${this.base}/images`, { token, body: form, method: 'POST' })
  }

  /** An admin creates a user on a tier (by name) and logs in as them. */
  async newUser(adminToken: string, tierName: string, role: 'user' | 'admin' | 'auditor' = 'user') {
    const tiers = await this.get('/admin/tiers?limit=100', adminToken)
    const tier = tiers.json.results.find((t: { name: string }) => t.name === tierName)
    expect(tier, `tier ${tierName}`).to.exist
    const username = `u${Math.random().toString(36).slice(2, 12)}`
    const password = 'correct-horse-battery'
    const created = await this.post('/admin/users', { username, password, tierId: tier.id, role }, adminToken)
    expect(created.status, JSON.stringify(created.json)).to.equal(201)
    return { id: created.json.id as string, username, password, tierId: tier.id as string, token: await this.login(username, password) }
  }
}
