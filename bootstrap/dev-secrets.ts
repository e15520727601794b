import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import * as t from 'io-ts'
import * as E from 'fp-ts/Either'
import type { LinkKey } from '../adapters/auth'

const DevSecrets = t.type({ jwtSecret: t.string, linkKeys: t.array(t.type({ kid: t.string, secret: t.string })) })
type DevSecrets = t.TypeOf<typeof DevSecrets>

/**
 * Development only: secrets generated on the first start and kept in the data dir,
 * so tokens and links survive restarts without any set-up. Production refuses this
 * path (bootstrap/config.ts demands real secrets).
 */
export const devSecrets = (dataDir: string): { jwtSecret: string; linkKeys: readonly LinkKey[] } => {
  const file = path.join(dataDir, 'dev-secrets.json')
  try {
    const parsed = DevSecrets.decode(JSON.parse(readFileSync(file, 'utf8')))
    if (E.isRight(parsed) && parsed.right.linkKeys.length > 0) return parsed.right
  } catch (err) {
    if (!(err instanceof Error && 'code' in err && err.code === 'ENOENT')) throw err
  }
  const fresh: DevSecrets = {
    jwtSecret: randomBytes(32).toString('base64url'),
    linkKeys: [{ kid: 'dev1', secret: randomBytes(32).toString('base64url') }],
  }
  mkdirSync(dataDir, { recursive: true })
  writeFileSync(file, JSON.stringify(fresh, null, 2), { mode: 0o600 })
  return fresh
}
