/**
 * `imgtier/adapters/thumbnails`: sharp in-process (sharp itself loads on the first
 * image), or a Lambda (its SDK loads on the first call of the factory).
 */
import type * as LambdaRenderer from './lambda-thumbnail-renderer'

export { sharpImageInspector } from './sharp-image-inspector'
export { sharpThumbnailRenderer } from './sharp-thumbnail-renderer'
export { THUMBNAIL_HEIGHTS_METADATA } from './lambda-protocol'
export { DEFAULT_MAX_INPUT_PIXELS, DEFAULT_MAX_OUTPUT_BYTES, type RenderLimits } from './render'

// `require` on first use, not `import` at the top: that is the whole point of these wrappers.
const lambda = (): typeof LambdaRenderer => require('./lambda-thumbnail-renderer')

export const lambdaThumbnailRenderer: typeof LambdaRenderer.lambdaThumbnailRenderer = (deps) => lambda().lambdaThumbnailRenderer(deps)
