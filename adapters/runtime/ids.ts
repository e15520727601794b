import { randomUUID } from 'node:crypto'
import type { IdGenerator } from '../../application/ports/runtime'

export const cryptoIdGenerator = (): IdGenerator => ({ uuid: () => randomUUID() })
