import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Router from '@koa/router'
import { expect } from 'chai'
import Koa from 'koa'
import { routeBySegment } from '../../../adapters/http/dispatch'

/** A router that answers its name and the matched params, so a test sees which one took a request. */
const answering = (name: string, prefix?: string) => {
  const router = new Router(prefix === undefined ? {} : { prefix })
  return { router, reply: (ctx: Koa.Context) => { ctx.body = `${name} ${JSON.stringify(ctx.params)}` } }
}

const serve = async (app: Koa): Promise<{ server: Server; get: (path: string) => Promise<string> }> => {
  const server = createServer(app.callback()).listen(0, '127.0.0.1')
  await once(server, 'listening')
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { server, get: async (path) => { const r = await fetch(`${base}${path}`); return `${r.status} ${await r.text()}` } }
}

describe('routeBySegment: each request goes only to the routers of its first path segment', () => {
  let server: Server
  let get: (path: string) => Promise<string>

  before(async () => {
    const ops = answering('ops')
    ops.router.get('/healthz', ops.reply)
    const images = answering('images', '/images')
    images.router.use(async (ctx, next) => { ctx.set('X-Guarded', 'yes'); await next() })
    images.router.get('/', images.reply).get('/:id/thumbnails/:height', images.reply)
    const links = answering('links')
    links.router.get('/links/:token', links.reply)
    // Two routers sharing a segment run in their order, as two koa.use calls would.
    const more = answering('more-links')
    more.router.get('/links/:token/extra', more.reply)
    // A route that does not start with a literal segment is asked on every path.
    const anywhere = answering('anywhere')
    anywhere.router.get('/:page.html', anywhere.reply)
    const app = new Koa()
    app.use(routeBySegment([ops.router, images.router, links.router, more.router, anywhere.router]))
    app.use((ctx) => { ctx.status = 404; ctx.body = 'fell through' })
    ;({ server, get } = await serve(app))
  })

  after(() => server.close())

  it('routes by segment, with params, trailing slashes and case as @koa/router matches them', async () => {
    expect(await get('/healthz')).to.equal('200 ops {}')
    expect(await get('/healthz/')).to.equal('200 ops {}')
    expect(await get('/HEALTHZ')).to.equal('200 ops {}')
    expect(await get('/images')).to.equal('200 images {}')
    expect(await get('/images/abc/thumbnails/200')).to.equal('200 images {"id":"abc","height":"200"}')
    expect(await get('/links/t0k3n')).to.equal('200 links {"token":"t0k3n"}')
    expect(await get('/links/t0k3n/extra')).to.equal('200 more-links {"token":"t0k3n"}')
  })

  it('asks a router whose routes have no literal first segment on every path', async () => {
    expect(await get('/about.html')).to.equal('200 anywhere {"page":"about"}')
  })

  it('lets what no router takes fall through to the next middleware', async () => {
    expect(await get('/')).to.equal('404 fell through')
    expect(await get('/nowhere')).to.equal('404 fell through')
    expect(await get('/images/abc/nothing')).to.equal('404 fell through')
    expect(await get('/healthzz')).to.equal('404 fell through')
  })
})
