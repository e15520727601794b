/**
 * The console's only way to the server: the public HTTP API with the session cookies.
 * Every request carries X-Requested-With (the API's CSRF rule for cookie-authenticated
 * changes); a 401 tries one refresh of the session, then gives up and ends it.
 */
export interface Tier {
  id: string
  name: string
  thumbnailHeights: number[]
  originalLink: boolean
  expiringLinks: boolean
  expiringLinkSeconds: { min: number; max: number }
}
export type Role = 'user' | 'admin' | 'auditor'
export interface Me { id: string; username: string; role: Role; tier: Tier }
export interface User { id: string; username: string; role: Role; active: boolean; tierId: string; createdAt: string }
export interface Image {
  id: string
  name: string
  format: 'jpeg' | 'png'
  width: number
  height: number
  bytes: number
  createdAt: string
  links: {
    thumbnails: Record<string, string>
    original?: string
    expiringLinks?: { thumbnails: Record<string, string>; original?: string }
  }
}
export interface Page<T> { count: number; next: string | null; previous: string | null; results: T[] }
export interface Problem { status: number; title?: string; detail?: string; code?: string; errors?: { path: string; message: string }[] }

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `The server answered ${problem.status}.`)
  }

  /** The detail, then one line per field problem, for an alert. */
  get lines(): string[] {
    return [this.message, ...(this.problem.errors ?? []).map((e) => `${e.path}: ${e.message}`)]
  }
}

/** Thrown after the session could not be renewed: the login form is already showing. */
export class SessionEnded extends Error {}

/** The API answers with absolute links (IMGTIER_PUBLIC_URL); the console follows them on its own origin. */
export const pathOf = (url: string): string => {
  const u = new URL(url, location.href)
  return u.pathname + u.search
}

let onSessionEnded: () => void = () => undefined
export const whenSessionEnds = (f: () => void): void => { onSessionEnded = f }

let refreshTimer: number | undefined
/** Renew a minute before the access token expires, so an open console never meets a 401. */
export const scheduleRefresh = (expiresInSeconds: number): void => {
  clearTimeout(refreshTimer)
  refreshTimer = window.setTimeout(() => void refresh(), Math.max(10, expiresInSeconds - 60) * 1000)
}
export const stopRefreshing = (): void => clearTimeout(refreshTimer)

const readProblem = async (res: Response): Promise<Problem> => {
  try {
    const body = (await res.json()) as Problem
    return { ...body, status: res.status }
  } catch {
    return { status: res.status, detail: `The server answered ${res.status} ${res.statusText}.` }
  }
}

let refreshing: Promise<boolean> | undefined
/** One refresh at a time: concurrent 401s share it (a refresh token is single-use). */
export const refresh = (): Promise<boolean> =>
  (refreshing ??= (async () => {
    try {
      const res = await fetch('/auth/refresh', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', 'x-requested-with': 'imgtier-console' }, body: '{}' })
      if (!res.ok) return false
      scheduleRefresh(((await res.json()) as { expiresIn: number }).expiresIn)
      return true
    } catch {
      return false
    } finally {
      refreshing = undefined
    }
  })())

const endSession = (): never => {
  stopRefreshing()
  onSessionEnded()
  throw new SessionEnded('session ended')
}

/** Runs `send`; on 401, refreshes once and runs it again; a second 401 ends the session. */
export const withSession = async <R extends { status: number }>(send: () => Promise<R>): Promise<R> => {
  let res = await send()
  if (res.status === 401) {
    if (!(await refresh())) return endSession()
    res = await send()
    if (res.status === 401) return endSession()
  }
  return res
}

export const call = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
  const headers: Record<string, string> = { accept: 'application/json', 'x-requested-with': 'imgtier-console' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await withSession(() => fetch(pathOf(url), { method, credentials: 'same-origin', headers, body: body === undefined ? undefined : JSON.stringify(body) }))
  if (!res.ok) throw new ApiError(await readProblem(res))
  return (res.status === 204 ? undefined : await res.json()) as T
}

/** Every page of an admin collection (they are short: tiers and users). */
export const all = async <T>(url: string): Promise<T[]> => {
  const out: T[] = []
  for (let next: string | null = url; next !== null;) {
    const page: Page<T> = await call<Page<T>>('GET', next)
    out.push(...page.results)
    next = page.next
  }
  return out
}

export const login = async (username: string, password: string): Promise<void> => {
  const res = await fetch('/auth/login', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) })
  if (!res.ok) throw new ApiError(await readProblem(res))
  scheduleRefresh(((await res.json()) as { expiresIn: number }).expiresIn)
}

export const logout = async (): Promise<void> => {
  stopRefreshing()
  await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', 'x-requested-with': 'imgtier-console' }, body: '{}' })
}

interface XhrReply { status: number; body: unknown }

/** XMLHttpRequest rather than fetch: only it reports upload progress. */
const sendUpload = (file: File, onProgress: (fraction: number) => void): Promise<XhrReply> =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', '/images')
    xhr.setRequestHeader('x-requested-with', 'imgtier-console')
    xhr.setRequestHeader('accept', 'application/json')
    xhr.responseType = 'json'
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total) }
    xhr.onload = () => resolve({ status: xhr.status, body: xhr.response })
    xhr.onerror = () => reject(new ApiError({ status: 0, detail: 'The upload could not reach the server.' }))
    const form = new FormData()
    form.append('image', file, file.name)
    xhr.send(form)
  })

export const upload = async (file: File, onProgress: (fraction: number) => void): Promise<Image> => {
  const reply = await withSession(() => sendUpload(file, onProgress))
  if (reply.status !== 201) {
    const body = (reply.body ?? {}) as Problem
    throw new ApiError({ ...body, status: reply.status, detail: body.detail ?? `The server answered ${reply.status}.` })
  }
  return reply.body as Image
}
