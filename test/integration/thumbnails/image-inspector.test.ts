import { sharpImageInspector } from '../../../adapters/thumbnails/sharp-image-inspector'
import { imageInspectorContract } from '../../contract/image-inspector.contract'

imageInspectorContract('sharp', sharpImageInspector)
