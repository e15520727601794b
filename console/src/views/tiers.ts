import { all, ApiError, call, type Me, type Tier } from '../api'
import { adminHeading, alertBox, append, recordTable, confirmInline, field, formatDuration, h, srOnly } from '../dom'

/** Reads "200, 400" into heights, or says what is wrong with it (the API's rules: 1–20 distinct, 16–4096). */
export const parseHeights = (text: string): { heights: number[] } | { problem: string } => {
  const parts = text.split(/[\s,;]+/).filter((p) => p !== '')
  if (parts.length === 0) return { problem: 'Give at least one thumbnail height.' }
  if (parts.length > 20) return { problem: 'At most 20 thumbnail heights.' }
  const heights: number[] = []
  for (const p of parts) {
    const n = Number(p)
    if (!/^\d+$/.test(p) || n < 16 || n > 4096) return { problem: `“${p}” is not a height: use whole numbers from 16 to 4096.` }
    if (heights.includes(n)) return { problem: `${n} is listed twice.` }
    heights.push(n)
  }
  return { heights: heights.sort((a, b) => a - b) }
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no')

export const tiersView = async (me: Me): Promise<HTMLElement> => {
  const canWrite = me.role === 'admin'
  const tiers = await all<Tier>('/admin/tiers?limit=100')
  const section = h('section', null)
  const formSlot = h('div', null)
  const listError = alertBox()
  const rerender = async () => {
    const fresh = await tiersView(me)
    section.replaceWith(fresh)
    fresh.querySelector<HTMLElement>('h1')?.focus()
  }

  const row = (tier: Tier) => {
    const del = h('button', { type: 'button', class: 'danger small' }, 'Delete', srOnly(` ${tier.name}`))
    del.addEventListener('click', async () => {
      listError.clear()
      if (!(await confirmInline(del, `Delete the tier “${tier.name}”?`, 'Yes, delete'))) return
      try {
        await call('DELETE', `/admin/tiers/${tier.id}`)
        await rerender()
      } catch (err) {
        listError.show(`${tier.name} was not deleted: ${err instanceof ApiError ? err.message : 'the server could not be reached.'}`)
      }
    })
    const edit = h('button', { type: 'button', class: 'small' }, 'Edit', srOnly(` ${tier.name}`))
    edit.addEventListener('click', () => {
      formSlot.replaceChildren(tierForm(tier, rerender, () => formSlot.replaceChildren(createSection())))
      formSlot.querySelector<HTMLElement>('h2')?.focus()
    })
    return h('tr', null,
      h('th', { scope: 'row' }, tier.name),
      h('td', null, tier.thumbnailHeights.join(', ')),
      h('td', null, yesNo(tier.originalLink)),
      h('td', null, tier.expiringLinks ? `${formatDuration(tier.expiringLinkSeconds.min)} – ${formatDuration(tier.expiringLinkSeconds.max)}` : 'no'),
      canWrite && h('td', { class: 'actions' }, edit, ' ', del))
  }

  const createSection = () => tierForm(undefined, rerender)
  if (canWrite) formSlot.append(createSection())

  append(section, [
    adminHeading('Tiers', canWrite),
    listError,
    recordTable(['tier', 'tiers'], ['Name', 'Thumbnail heights (px)', 'Original', 'Expiring links', canWrite && 'Actions'], tiers.map(row)),
    formSlot])
  return section
}

/** Create (no tier) or edit (a tier): the whole tier, validated here first, then by the API. */
const tierForm = (tier: Tier | undefined, saved: () => Promise<void>, cancel?: () => void): HTMLElement => {
  const name = h('input', { name: 'name', required: true, maxlength: 100, value: tier?.name ?? '' })
  const heights = h('input', { name: 'thumbnailHeights', required: true, value: tier?.thumbnailHeights.join(', ') ?? '200', inputmode: 'numeric' })
  const original = h('input', { type: 'checkbox', name: 'originalLink', checked: tier?.originalLink ?? false })
  const expiring = h('input', { type: 'checkbox', name: 'expiringLinks', checked: tier?.expiringLinks ?? false })
  const min = h('input', { type: 'number', name: 'min', min: 60, max: 604800, step: 1, required: true, value: String(tier?.expiringLinkSeconds.min ?? 300) })
  const max = h('input', { type: 'number', name: 'max', min: 60, max: 604800, step: 1, required: true, value: String(tier?.expiringLinkSeconds.max ?? 30000) })
  const error = alertBox()
  const title = tier ? `Edit tier ${tier.name}` : 'New tier'
  const form = h('form', { class: 'card', 'aria-label': title, novalidate: true },
    h('h2', { tabindex: -1 }, title),
    field('Name', name),
    field('Thumbnail heights', heights, 'Pixel heights separated by commas, each 16–4096, e.g. 200, 400.'),
    field('Original link', original),
    field('Expiring links', expiring),
    h('div', { class: 'row' },
      field('Shortest expiring link (seconds)', min, '60 to 604800.'),
      field('Longest expiring link (seconds)', max, '60 to 604800.')),
    error,
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, tier ? 'Save tier' : 'Create tier'),
      cancel && h('button', { type: 'button', onclick: cancel }, 'Cancel')))
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    error.clear()
    heights.removeAttribute('aria-invalid')
    const parsed = parseHeights(heights.value)
    if ('problem' in parsed) {
      heights.setAttribute('aria-invalid', 'true')
      error.show(parsed.problem)
      heights.focus()
      return
    }
    const body = {
      name: name.value.trim(),
      thumbnailHeights: parsed.heights,
      originalLink: original.checked,
      expiringLinks: expiring.checked,
      expiringLinkSeconds: { min: Number(min.value), max: Number(max.value) },
    }
    try {
      await (tier ? call('PATCH', `/admin/tiers/${tier.id}`, body) : call('POST', '/admin/tiers', body))
      await saved()
    } catch (err) {
      error.show(err instanceof ApiError ? err.lines : 'The tier could not be saved.')
    }
  })
  return form
}
