import * as TE from 'fp-ts/TaskEither'
import type { ImageInspector } from '../../application/ports/blobs'
import { sniffImageFormat } from '../../domain/image-format'
import { readImageHeader } from './image-header'

/**
 * Judges uploads by their header only: format, size and pixel count, like sharp's
 * first step, but it never decodes, so a truncated body passes. For fast tests; the
 * real inspector (sharp) passes test/contract/image-inspector.contract.ts.
 */
export const headerImageInspector = (): ImageInspector => ({
  inspect: (bytes, limits) => {
    const sniffed = sniffImageFormat(bytes)
    if (!sniffed.supported) return TE.left({ _tag: 'UnsupportedImageFormat', detected: sniffed.detected })
    const header = readImageHeader(bytes)
    if (!header) return TE.left({ _tag: 'ImageUnreadable', reason: 'no readable size in the header' })
    const pixels = header.width * header.height
    if (pixels > limits.maxPixels) return TE.left({ _tag: 'ImageTooManyPixels', pixels, maxPixels: limits.maxPixels })
    return TE.right(header)
  },
})
