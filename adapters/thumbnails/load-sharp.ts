import type Sharp from 'sharp'

export type SharpFactory = typeof Sharp

let loading: Promise<SharpFactory> | undefined

/**
 * sharp is loaded on first use, not at import: the native binding costs start-up time
 * and memory that a process rendering on Lambda (or only serving JSON) never needs.
 */
export const loadSharp = (): Promise<SharpFactory> => (loading ??= import('sharp').then((m) => m.default))
