import type { IdGenerator } from '../../application/ports/runtime'

/** Ids in the order they were asked for (…-000000000001, …-000000000002): readable test output. */
export const sequentialIds = (): IdGenerator & { readonly issued: () => number } => {
  let n = 0
  return {
    uuid: () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}`,
    issued: () => n,
  }
}
