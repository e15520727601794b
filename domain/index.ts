/**
 * `imgtier/domain`: the pure rules and codecs. Loads nothing but fp-ts and io-ts
 * (test/consumer proves it by counting modules).
 */
export * from './codecs'
export * from './errors'
export * from './ids'
export * from './image'
export * from './image-format'
export * from './links'
export * from './page'
export * from './tier'
export * from './user'
export * from './variant'
