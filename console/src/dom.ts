/** A few lines of DOM building instead of a framework: the console is small, and this keeps it a few KB. */
export type Child = Node | string | number | false | null | undefined | readonly Child[]
type Attrs = Record<string, unknown>

// Set as properties (live state), not attributes (initial state).
const PROPS = new Set(['value', 'checked', 'disabled', 'readOnly', 'multiple', 'hidden'])

export const append = (parent: Node, children: readonly Child[]): void => {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue
    if (Array.isArray(c)) append(parent, c)
    else parent.appendChild(c instanceof Node ? c : document.createTextNode(String(c)))
  }
}

export const h = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs | null = null, ...children: Child[]): HTMLElementTagNameMap[K] => {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null) continue
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v as EventListener)
    else if (PROPS.has(k)) (el as unknown as Record<string, unknown>)[k] = v
    else if (v !== false) el.setAttribute(k, v === true ? '' : String(v))
  }
  append(el, children)
  return el
}

let next = 0
/** A page-unique id, to tie labels, hints and errors to their control. */
export const uid = (prefix: string): string => `${prefix}-${++next}`

/** Text for screen readers only (e.g. which row an "Edit" button edits). */
export const srOnly = (text: string): HTMLSpanElement => h('span', { class: 'sr-only' }, text)

/** An error region: announced by screen readers whenever its text is set. */
export const alertBox = (): HTMLDivElement & { show(message: string | readonly string[]): void; clear(): void } => {
  const box = h('div', { role: 'alert', class: 'error' }) as HTMLDivElement & { show(m: string | readonly string[]): void; clear(): void }
  box.show = (message) => {
    box.replaceChildren()
    const lines = typeof message === 'string' ? [message] : message
    if (lines.length === 1) box.textContent = lines[0] ?? ''
    else append(box, [h('ul', null, lines.map((l) => h('li', null, l)))])
  }
  box.clear = () => box.replaceChildren()
  return box
}

/** A labelled control with an optional hint, wired together with aria-describedby. */
export const field = (label: string, control: HTMLInputElement | HTMLSelectElement, hint?: string): HTMLDivElement => {
  control.id ||= uid('f')
  const hintEl = hint ? h('small', { id: uid('hint'), class: 'hint' }, hint) : undefined
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id)
  const isCheck = control instanceof HTMLInputElement && control.type === 'checkbox'
  return isCheck
    ? h('div', { class: 'field check' }, control, h('label', { for: control.id }, label), hintEl)
    : h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl)
}

/**
 * An inline confirmation instead of window.confirm: it is styled, keyboard-reachable and
 * says what will happen. Resolves true on confirm, false on cancel.
 */
export const confirmInline = (host: HTMLElement, message: string, confirmLabel: string): Promise<boolean> =>
  new Promise((resolve) => {
    const done = (answer: boolean) => { panel.remove(); resolve(answer) }
    const yes = h('button', { type: 'button', class: 'danger', onclick: () => done(true) }, confirmLabel)
    const panel = h('div', { class: 'confirm', role: 'group', 'aria-label': 'Confirm' },
      h('p', null, message), yes, ' ', h('button', { type: 'button', onclick: () => done(false) }, 'Cancel'))
    host.after(panel)
    yes.focus()
  })

export const formatBytes = (n: number): string =>
  n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`

export const formatDuration = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds))
  const d = Math.floor(s / 86400)
  const hh = Math.floor((s % 86400) / 3600)
  const mm = Math.floor((s % 3600) / 60)
  const ss = s % 60
  const parts = [d && `${d} d`, hh && `${hh} h`, mm && `${mm} min`, (ss || s === 0) && `${ss} s`].filter(Boolean)
  return parts.join(' ')
}

/** A table of records that scrolls sideways on its own on a narrow screen, never the page. */
export const recordTable = (noun: [string, string], columns: readonly (string | false)[], rows: readonly HTMLTableRowElement[]): HTMLDivElement =>
  h('div', { class: 'table-wrap' }, h('table', null,
    h('caption', null, `${rows.length} ${rows.length === 1 ? noun[0] : noun[1]}`),
    h('thead', null, h('tr', null, columns.map((c) => c !== false && h('th', { scope: 'col' }, c)))),
    h('tbody', null, rows)))

/** An admin page's head: its title and, for an auditor, the read-only note. */
export const adminHeading = (title: string, canWrite: boolean): Child[] => [
  h('h1', { tabindex: -1 }, title),
  !canWrite && h('p', { class: 'note' }, `Read-only: auditors see the ${title.toLowerCase()} but cannot change them.`),
]
