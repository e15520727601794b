import { all, ApiError, call, type Me, type Role, type Tier, type User } from '../api'
import { adminHeading, alertBox, append, recordTable, field, h, srOnly } from '../dom'

const ROLES: readonly Role[] = ['user', 'auditor', 'admin']

const tierSelect = (tiers: readonly Tier[], selected?: string) =>
  h('select', { name: 'tierId' }, tiers.map((t) => h('option', { value: t.id, selected: t.id === selected }, t.name)))

const roleSelect = (selected: Role = 'user') =>
  h('select', { name: 'role' }, ROLES.map((r) => h('option', { value: r, selected: r === selected }, r)))

/** Users with their tier and role; admins create them and change tier, role, active and password. */
export const usersView = async (me: Me): Promise<HTMLElement> => {
  const canWrite = me.role === 'admin'
  const [users, tiers] = await Promise.all([all<User>('/admin/users?limit=100'), all<Tier>('/admin/tiers?limit=100')])
  const tierName = new Map(tiers.map((t) => [t.id, t.name]))
  const section = h('section', null)
  const formSlot = h('div', null)
  const rerender = async (focus?: string) => {
    const fresh = await usersView(me)
    section.replaceWith(fresh)
    fresh.querySelector<HTMLElement>(focus ?? 'h1')?.focus()
  }

  const row = (user: User) => {
    const edit = h('button', { type: 'button', class: 'small' }, 'Edit', srOnly(` ${user.username}`))
    edit.addEventListener('click', () => {
      formSlot.replaceChildren(editForm(user, tiers, () => rerender(), () => formSlot.replaceChildren(createForm(tiers, rerender))))
      formSlot.querySelector<HTMLElement>('h2')?.focus()
    })
    return h('tr', null,
      h('th', { scope: 'row' }, user.username, user.id === me.id ? ' (you)' : ''),
      h('td', null, user.role),
      h('td', null, tierName.get(user.tierId) ?? '?'),
      h('td', null, user.active ? 'active' : 'inactive'),
      canWrite && h('td', { class: 'actions' }, edit))
  }
  if (canWrite) formSlot.append(createForm(tiers, rerender))

  append(section, [
    adminHeading('Users', canWrite),
    recordTable(['user', 'users'], ['Username', 'Role', 'Tier', 'Status', canWrite && 'Actions'], users.map(row)),
    formSlot])
  return section
}

const createForm = (tiers: readonly Tier[], saved: () => Promise<void>): HTMLElement => {
  const username = h('input', { name: 'username', required: true, autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false' })
  const password = h('input', { name: 'password', type: 'password', required: true, autocomplete: 'new-password' })
  const tier = tierSelect(tiers, tiers.find((t) => t.name === 'Basic')?.id)
  const role = roleSelect()
  const error = alertBox()
  const form = h('form', { class: 'card', 'aria-label': 'New user' },
    h('h2', { tabindex: -1 }, 'New user'),
    field('Username', username), field('Password', password), field('Tier', tier), field('Role', role),
    error, h('button', { type: 'submit', class: 'primary' }, 'Create user'))
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    error.clear()
    try {
      await call('POST', '/admin/users', { username: username.value, password: password.value, tierId: tier.value, role: role.value })
      await saved()
    } catch (err) {
      error.show(err instanceof ApiError ? err.lines : 'The user could not be created.')
    }
  })
  return form
}

/** Sends only what changed, so a PATCH never touches a field the admin left alone. */
const editForm = (user: User, tiers: readonly Tier[], saved: () => Promise<void>, cancel: () => void): HTMLElement => {
  const tier = tierSelect(tiers, user.tierId)
  const role = roleSelect(user.role)
  const active = h('input', { type: 'checkbox', name: 'active', checked: user.active })
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password' })
  const error = alertBox()
  const title = `Edit user ${user.username}`
  const form = h('form', { class: 'card', 'aria-label': title },
    h('h2', { tabindex: -1 }, title),
    field('Tier', tier), field('Role', role), field('Active', active, 'An inactive user cannot log in; their sessions end at once.'),
    field('New password', password, 'Leave empty to keep the current one. Setting one ends their sessions.'),
    error,
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Save user'), h('button', { type: 'button', onclick: cancel }, 'Cancel')))
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    error.clear()
    const patch: Record<string, unknown> = {}
    if (tier.value !== user.tierId) patch.tierId = tier.value
    if (role.value !== user.role) patch.role = role.value
    if (active.checked !== user.active) patch.active = active.checked
    if (password.value !== '') patch.password = password.value
    if (Object.keys(patch).length === 0) return cancel()
    try {
      await call('PATCH', `/admin/users/${user.id}`, patch)
      await saved()
    } catch (err) {
      error.show(err instanceof ApiError ? err.lines : 'The user could not be saved.')
    }
  })
  return form
}
