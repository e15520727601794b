import type { Clock } from '../../application/ports/runtime'

export const systemClock = (): Clock => ({ now: () => new Date() })

/** A clock tests move by hand, so expiry is tested without sleeping. */
export interface FixedClock extends Clock {
  advance(ms: number): void
  set(date: Date): void
}

export const fixedClock = (start: Date): FixedClock => {
  let current = start.getTime()
  return {
    // A fresh Date each call: a caller mutating the result must not move the clock.
    now: () => new Date(current),
    advance: (ms) => {
      current += ms
    },
    set: (date) => {
      current = date.getTime()
    },
  }
}
