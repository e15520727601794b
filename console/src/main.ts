import { ApiError, call, login, logout, SessionEnded, whenSessionEnds, type Me } from './api'
import { alertBox, field, h } from './dom'
import { galleryView } from './views/gallery'
import { imageView } from './views/image'
import { tiersView } from './views/tiers'
import { usersView } from './views/users'

/**
 * The console: a single page with hash routes (#/, #/images/:id, #/admin/tiers,
 * #/admin/users). The route lives in the URL, so when a session ends the login form
 * shows in place and, once logged in, the same page comes back.
 */
type View = (me: Me, param: string) => Promise<HTMLElement>

const ROUTES: readonly [RegExp, View, string][] = [
  [/^#?\/?$/, galleryView, 'Gallery'],
  [/^#\/images\/([0-9a-f-]+)$/i, imageView, 'Image'],
  [/^#\/admin\/tiers$/, tiersView, 'Tiers'],
  [/^#\/admin\/users$/, usersView, 'Users'],
]

const app = document.getElementById('app') as HTMLElement
let rendering = 0

const isAdmin = (me: Me) => me.role === 'admin' || me.role === 'auditor'

const nav = (me: Me) => {
  const link = (href: string, text: string) =>
    h('a', { href, 'aria-current': location.hash === href || (href === '#/' && !location.hash) ? 'page' : undefined }, text)
  return h('header', { class: 'top' },
    h('a', { href: '#/', class: 'brand' }, 'imgtier'),
    h('nav', { 'aria-label': 'Main' }, link('#/', 'Gallery'), isAdmin(me) && [link('#/admin/tiers', 'Tiers'), link('#/admin/users', 'Users')]),
    h('div', { class: 'who' },
      h('span', null, me.username, ' · ', me.tier.name, me.role !== 'user' ? ` · ${me.role}` : ''),
      h('button', { type: 'button', onclick: () => void logout().then(() => { location.hash = '#/'; showLogin() }) }, 'Log out')))
}

const notFound = async () => h('section', null, h('h1', { tabindex: -1 }, 'Not found'), h('p', null, 'No such page. ', h('a', { href: '#/' }, 'Back to the gallery')))

const render = async (): Promise<void> => {
  const ticket = ++rendering
  const route = ROUTES.find(([re]) => re.test(location.hash))
  let me: Me
  try {
    me = await call<Me>('GET', '/me')
  } catch (err) {
    if (!(err instanceof SessionEnded)) showFailure(err)
    return
  }
  let view: HTMLElement
  try {
    view = route ? await route[1](me, route[0].exec(location.hash)?.[1] ?? '') : await notFound()
  } catch (err) {
    if (err instanceof SessionEnded) return
    view = h('section', null, h('h1', { tabindex: -1 }, route?.[2] ?? 'Error'), failure(err), h('p', null, h('a', { href: '#/' }, 'Back to the gallery')))
  }
  if (ticket !== rendering) return // a later navigation won
  document.title = `${route?.[2] ?? 'Not found'} · imgtier console`
  app.replaceChildren(nav(me), h('main', { id: 'main' }, view))
  // Move focus to the new page's heading, as a screen reader user expects after navigation.
  view.querySelector<HTMLElement>('h1')?.focus({ preventScroll: true })
}

const failure = (err: unknown) => {
  const box = alertBox()
  box.show(err instanceof ApiError ? err.lines : 'Something went wrong; try again.')
  return box
}

const showFailure = (err: unknown) => app.replaceChildren(h('main', { id: 'main' }, h('h1', null, 'imgtier console'), failure(err)))

export const showLogin = (): void => {
  ++rendering
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'off', spellcheck: 'false' })
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })
  const error = alertBox()
  const button = h('button', { type: 'submit', class: 'primary' }, 'Log in')
  const form = h('form', {
    class: 'login card',
    onsubmit: (e: Event) => {
      e.preventDefault()
      error.clear()
      button.disabled = true
      login(username.value, password.value).then(render, (err) => {
        button.disabled = false
        error.show(err instanceof ApiError ? err.message : 'The server could not be reached.')
        password.select()
      })
    },
  }, h('h1', null, 'Log in to imgtier'), field('Username', username), field('Password', password), error, button)
  document.title = 'Log in · imgtier console'
  app.replaceChildren(h('main', { id: 'main', class: 'narrow' }, form))
  username.focus()
}

whenSessionEnds(showLogin)
window.addEventListener('hashchange', () => void render())
void render()
