import { ApiError, call, pathOf, type Image, type Me } from '../api'
import { alertBox, confirmInline, field, formatBytes, formatDuration, h } from '../dom'

/** One image: every variant the tier allows, what it does not allow said plainly, links, delete. */
export const imageView = async (me: Me, id: string): Promise<HTMLElement> => {
  const image = await call<Image>('GET', `/images/${id}`)
  const tierName = me.tier.name
  const heights = Object.keys(image.links.thumbnails).map(Number).sort((a, b) => a - b)

  const thumbnails = h('ul', { class: 'variants', 'aria-label': 'Thumbnails' }, heights.map((height) => {
    const src = pathOf(image.links.thumbnails[String(height)] ?? '')
    const shown = Math.min(height, image.height)
    return h('li', null, h('figure', null,
      h('img', { src, alt: `${image.name}, ${height} px high`, loading: 'lazy', height: shown, width: Math.max(1, Math.round(image.width * shown / image.height)) }),
      h('figcaption', null, `${height} px `, h('a', { href: src, target: '_blank', rel: 'noopener' }, 'open'))))
  }))

  const original = image.links.original
    ? h('p', null, h('a', { href: pathOf(image.links.original), download: `${image.name}.${image.format === 'jpeg' ? 'jpg' : 'png'}` }, 'Download the original'), ` (${formatBytes(image.bytes)})`)
    : h('p', { class: 'not-allowed' }, `Not included in your tier (${tierName}): ask an administrator for a tier with original downloads.`)

  const sharing = image.links.expiringLinks && me.tier.expiringLinks
    ? linkForm(me, image, heights)
    : h('p', { class: 'not-allowed' }, `Expiring links are not included in your tier (${tierName}).`)

  const remove = h('button', { type: 'button', class: 'danger' }, 'Delete image')
  const removeError = alertBox()
  remove.addEventListener('click', async () => {
    remove.disabled = true
    const sure = await confirmInline(remove, `Delete “${image.name}” for good? Its thumbnails go too, and its expiring links stop working.`, 'Yes, delete it')
    if (!sure) { remove.disabled = false; remove.focus(); return }
    try {
      await call('DELETE', `/images/${image.id}`)
      location.hash = '#/'
    } catch (err) {
      remove.disabled = false
      removeError.show(err instanceof ApiError ? err.message : 'The image could not be deleted.')
    }
  })

  return h('section', { class: 'image-page' },
    h('p', { class: 'back' }, h('a', { href: '#/' }, '← Gallery')),
    h('h1', { tabindex: -1 }, image.name),
    h('dl', { class: 'facts' },
      h('dt', null, 'Format'), h('dd', null, image.format.toUpperCase()),
      h('dt', null, 'Size'), h('dd', null, `${image.width} × ${image.height} px`),
      h('dt', null, 'File size'), h('dd', null, formatBytes(image.bytes)),
      h('dt', null, 'Uploaded'), h('dd', null, new Date(image.createdAt).toLocaleString())),
    h('h2', null, 'Thumbnails'), thumbnails,
    h('h2', null, 'Original'), original,
    h('h2', null, 'Share with an expiring link'), sharing,
    h('h2', null, 'Delete'), h('div', null, remove), removeError)
}

/** Variant, lifetime within the tier's bounds, then the URL with a copy button and a countdown. */
const linkForm = (me: Me, image: Image, heights: readonly number[]): HTMLElement => {
  const { min, max } = me.tier.expiringLinkSeconds
  const endpoints = image.links.expiringLinks
  const variant = h('select', { name: 'variant' },
    heights.filter((height) => endpoints?.thumbnails[String(height)]).map((height) => h('option', { value: `thumbnails/${height}` }, `Thumbnail, ${height} px`)),
    endpoints?.original && h('option', { value: 'original' }, 'Original'))
  const seconds = h('input', { name: 'expiresIn', type: 'number', inputmode: 'numeric', min, max, step: 1, required: true, value: String(Math.min(max, Math.max(min, 3600))) })
  const error = alertBox()
  const result = h('div', { class: 'link-result' })
  const form = h('form', { class: 'card', novalidate: true },
    field('Variant', variant),
    field('Expires in (seconds)', seconds, `Between ${min} and ${max} seconds (${formatDuration(min)} to ${formatDuration(max)}).`),
    error,
    h('button', { type: 'submit', class: 'primary' }, 'Create link'),
    result)
  form.addEventListener('submit', async (e) => {
    e.preventDefault()
    error.clear()
    const value = Number(seconds.value)
    if (!Number.isInteger(value) || value < min || value > max) {
      seconds.setAttribute('aria-invalid', 'true')
      error.show(`Expires in must be a whole number of seconds between ${min} and ${max}.`)
      seconds.focus()
      return
    }
    seconds.removeAttribute('aria-invalid')
    const endpoint = variant.value === 'original' ? endpoints?.original : endpoints?.thumbnails[variant.value.split('/')[1] ?? '']
    try {
      const link = await call<{ url: string; expiresAt: string }>('POST', endpoint ?? '', { expiresIn: value })
      // Counted from the answer's arrival, not from expiresAt: the browser's clock may be off from the server's.
      result.replaceChildren(linkResult(link.url, new Date(Date.now() + value * 1000)))
    } catch (err) {
      error.show(err instanceof ApiError ? err.message : 'The link could not be made.')
    }
  })
  return form
}

const linkResult = (url: string, expiresAt: Date): HTMLElement => {
  const output = h('input', { type: 'text', readOnly: true, value: url, class: 'url' })
  const copied = h('span', { role: 'status', class: 'copied' })
  const copy = h('button', { type: 'button' }, 'Copy link')
  copy.addEventListener('click', async () => {
    // navigator.clipboard needs a secure context (https or localhost); plain http falls back to a selection copy.
    try {
      if (window.isSecureContext && navigator.clipboard) await navigator.clipboard.writeText(url)
      else { output.select(); if (!document.execCommand('copy')) throw new Error('copy refused') }
      copied.textContent = 'Copied.'
    } catch {
      output.select()
      copied.textContent = 'Press Ctrl+C (⌘C) to copy the selected link.'
    }
  })
  const countdown = h('p', { role: 'timer', class: 'countdown' })
  const tick = () => {
    const left = (expiresAt.getTime() - Date.now()) / 1000
    countdown.textContent = left > 0 ? `Expires in ${formatDuration(left)} (at ${expiresAt.toLocaleString()}).` : 'This link has expired.'
    if (left > 0 && (countdown.isConnected || !started)) setTimeout(tick, 1000)
    started = true
  }
  let started = false
  tick()
  return h('div', null, field('Expiring link', output), h('div', { class: 'row' }, copy, copied), countdown)
}
