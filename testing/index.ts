/**
 * `imgtier/testing`: in-memory adapters for every port, ports wired from them, object
 * mothers and fp-ts helpers, for fast tests of code that embeds imgtier.
 */
export * from '../adapters/memory'
export { fixedClock, type FixedClock } from '../adapters/runtime'
export * from './fp'
export * from './in-memory-ports'
export * from './mothers'
