export { systemClock, fixedClock, type FixedClock } from './clock'
export { cryptoIdGenerator } from './ids'
export { cryptoHasher } from './hasher'
