import { ApiError, call, pathOf, upload, type Image, type Me, type Page } from '../api'
import { h, uid } from '../dom'

const PAGE_SIZE = 24

/** The owner's images, newest first, as thumbnails at the tier's smallest height, a page at a time. */
export const galleryView = async (me: Me): Promise<HTMLElement> => {
  const height = Math.min(...me.tier.thumbnailHeights)
  const first = await call<Page<Image>>('GET', `/images?limit=${PAGE_SIZE}`)
  let count = first.count
  const countText = h('p', { class: 'count', role: 'status' })
  const showCount = () => { countText.textContent = count === 1 ? '1 image' : `${count} images` }
  showCount()

  const card = (image: Image) => {
    const src = image.links.thumbnails[String(height)]
    const shown = Math.min(height, image.height) // thumbnails never upscale
    return h('li', { class: 'tile' },
      h('a', { href: `#/images/${image.id}` },
        src ? h('img', { src: pathOf(src), alt: image.name, loading: 'lazy', decoding: 'async', height: shown, width: Math.max(1, Math.round(image.width * shown / image.height)) }) : null,
        h('span', { class: 'name' }, image.name)))
  }
  const grid = h('ul', { class: 'grid', 'aria-label': 'Images' }, first.results.map(card))

  let next = first.next
  const more = h('button', { type: 'button', hidden: next === null }, 'Load more')
  const moreError = h('div', { role: 'alert', class: 'error' })
  more.addEventListener('click', () => {
    if (next === null) return
    more.disabled = true
    call<Page<Image>>('GET', next).then((page) => {
      grid.append(...page.results.map(card))
      next = page.next
      more.hidden = next === null
      more.disabled = false
    }, (err) => {
      more.disabled = false
      moreError.textContent = err instanceof ApiError ? err.message : 'Could not load more images.'
    })
  })

  const empty = h('p', { class: 'empty', hidden: count > 0 }, 'No images yet: upload some.')
  const uploads = uploader((image) => {
    grid.prepend(card(image))
    count += 1
    empty.hidden = true
    showCount()
  })
  return h('section', null,
    h('h1', { tabindex: -1 }, 'Your images'),
    countText,
    uploads,
    empty,
    grid,
    h('div', { class: 'more' }, more, moreError))
}

/** File picker and drop zone; each file gets a row with a progress bar and, if refused, the API's reason. */
const uploader = (onUploaded: (image: Image) => void): HTMLElement => {
  const input = h('input', { type: 'file', id: uid('upload'), multiple: true, accept: 'image/jpeg,image/png', class: 'sr-only' })
  const list = h('ul', { class: 'uploads', 'aria-label': 'Uploads' })
  let queue = Promise.resolve()

  const add = (files: readonly File[]) => {
    for (const file of files) {
      const bar = h('progress', { max: 1, value: 0, 'aria-label': `Uploading ${file.name}` })
      const status = h('span', { class: 'status' }, 'waiting')
      const row = h('li', null, h('span', { class: 'name' }, file.name), status, bar)
      list.append(row)
      // One at a time: the server and the upload rate limit prefer it; each bar still moves on its own.
      queue = queue.then(() => {
        status.textContent = 'uploading'
        return upload(file, (f) => { bar.value = f }).then((image) => {
          bar.value = 1
          status.textContent = 'done'
          row.classList.add('ok')
          onUploaded(image)
        }, (err) => {
          row.classList.add('failed')
          bar.remove()
          status.replaceWith(h('span', { role: 'alert', class: 'error' }, err instanceof ApiError ? err.message : 'The upload failed.'))
        })
      })
    }
  }

  input.addEventListener('change', () => {
    add([...(input.files ?? [])])
    input.value = ''
  })
  const zone = h('div', { class: 'dropzone' },
    h('label', { for: input.id, class: 'button primary' }, 'Upload images'), input,
    h('span', { class: 'hint' }, ' or drop JPEG and PNG files here'))
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over') })
  zone.addEventListener('dragleave', () => zone.classList.remove('over'))
  zone.addEventListener('drop', (e) => {
    e.preventDefault()
    zone.classList.remove('over')
    add([...(e.dataTransfer?.files ?? [])])
  })
  return h('div', { class: 'upload' }, zone, list)
}
