import { randomBytes } from 'node:crypto'
import type { Command } from 'commander'
import * as O from 'fp-ts/Option'
import type { Tier } from '../../domain/tier'
import { Password, Role, Username, type User } from '../../domain/user'
import type { ConfiguredCore } from '../core'
import { CliFailure, decodeArg, EXIT, orFail, output, table, withCore } from './session'

const userJson = (u: User, tiers: ReadonlyMap<string, Tier>) =>
  ({ id: u.id, username: u.username, role: u.role, active: u.active, tierId: u.tierId, tier: tiers.get(u.tierId)?.name ?? null, createdAt: u.createdAt.toISOString() })

const allTiers = async (core: ConfiguredCore): Promise<ReadonlyMap<string, Tier>> => {
  const page = await orFail(core.useCases.listTiers({ limit: 1000, offset: 0 }), () => 'could not list tiers')
  return new Map(page.results.map((tier) => [tier.id, tier]))
}

/** A tier given by name (case as stored) or id. */
export const tierNamed = async (core: ConfiguredCore, nameOrId: string): Promise<Tier> => {
  const byName = await orFail(core.deps.tiers.findByName(nameOrId), () => 'could not look the tier up')
  if (O.isSome(byName)) return byName.value
  const tiers = await allTiers(core)
  const byId = tiers.get(nameOrId)
  if (byId === undefined) throw new CliFailure(`no tier named "${nameOrId}" (imgtier tiers list)`, EXIT.notFound)
  return byId
}

export const userNamed = async (core: ConfiguredCore, username: string): Promise<User> => {
  const found = await orFail(core.deps.users.findByUsername(username), () => 'could not look the user up')
  if (O.isNone(found)) throw new CliFailure(`no user named "${username}" (imgtier users list)`, EXIT.notFound)
  return found.value
}

/** A password from `--password-stdin` (kept out of shell history and `ps`), or none. */
const passwordFromStdin = async (): Promise<string> => {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk))
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')
}

const passwordOf = async (opts: { password?: string; passwordStdin?: boolean }): Promise<string | undefined> =>
  opts.passwordStdin ? passwordFromStdin() : opts.password

export const usersCommand = (program: Command): void => {
  const users = program.command('users').description('list and manage user accounts')

  users.command('list').description('every user with their tier and role')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => withCore(async (core) => {
      const tiers = await allTiers(core)
      const all: User[] = []
      for (let offset = 0; ; offset += 100) {
        const page = await orFail(core.useCases.listUsers({ limit: 100, offset }), () => 'could not list users')
        all.push(...page.results)
        if (page.results.length < 100) break
      }
      output(Boolean(opts.json), all.map((u) => userJson(u, tiers)), () =>
        table([['USERNAME', 'ROLE', 'TIER', 'ACTIVE', 'ID'], ...all.map((u) => [u.username, u.role, tiers.get(u.tierId)?.name ?? '?', u.active ? 'yes' : 'no', u.id])]))
    }))

  users.command('create <username>').description('create an account (a random password is printed when none is given)')
    .option('--password <password>', 'the password (8 characters or more); prefer --password-stdin')
    .option('--password-stdin', 'read the password from standard input')
    .option('--tier <tier>', 'tier name or id', 'Basic')
    .option('--role <role>', 'user, admin or auditor', 'user')
    .option('--inactive', 'create the account disabled')
    .option('--json', 'machine-readable output')
    .action(async (username: string, opts: { password?: string; passwordStdin?: boolean; tier: string; role: string; inactive?: boolean; json?: boolean }) => {
      const name = decodeArg(Username, username, 'username')
      const role = decodeArg(Role, opts.role, '--role')
      const given = await passwordOf(opts)
      const password = given === undefined ? randomBytes(18).toString('base64url') : decodeArg(Password, given, 'password')
      await withCore(async (core) => {
        const tier = await tierNamed(core, opts.tier)
        const user = await orFail(core.useCases.createUser({ username: name, password, tierId: tier.id, role, active: !opts.inactive }),
          (e) => (e._tag === 'UsernameTaken' ? `the username "${name}" is taken` : e._tag))
        const shown = { ...userJson(user, new Map([[tier.id, tier]])), ...(given === undefined ? { password } : {}) }
        output(Boolean(opts.json), shown, () => `created ${user.role} "${user.username}" on tier ${tier.name} (${user.id})` +
          (given === undefined ? `\npassword: ${password}` : ''))
      })
    })

  users.command('set-tier <username> <tier>').description("move a user to another tier (their links follow on the next request)")
    .action(async (username: string, tierName: string) => withCore(async (core) => {
      const user = await userNamed(core, username)
      const tier = await tierNamed(core, tierName)
      await orFail(core.useCases.updateUser(OPERATOR, user.id, { tierId: tier.id }), (e) => e._tag)
      console.log(`"${user.username}" is now on tier ${tier.name}`)
    }))

  users.command('set-password <username>').description('set a password; every session of the user ends')
    .option('--password <password>', 'the new password; prefer --password-stdin')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (username: string, opts: { password?: string; passwordStdin?: boolean }) => {
      const given = await passwordOf(opts)
      if (given === undefined) throw new CliFailure('give the password with --password-stdin or --password', EXIT.usage)
      const password = decodeArg(Password, given, 'password')
      await withCore(async (core) => {
        const user = await userNamed(core, username)
        await orFail(core.useCases.updateUser(OPERATOR, user.id, { password }), (e) => e._tag)
        console.log(`password of "${user.username}" changed; their sessions have ended`)
      })
    })

  users.command('deactivate <username>').description('disable an account; every session of the user ends at once')
    .action(async (username: string) => withCore(async (core) => {
      const user = await userNamed(core, username)
      await orFail(core.useCases.updateUser(OPERATOR, user.id, { active: false }), (e) => e._tag)
      console.log(`"${user.username}" is deactivated`)
    }))
}

/**
 * The actor of a change made at the command line: the API stops admins from demoting or
 * deactivating themselves; the operator at a shell is no account, so no such rule applies.
 */
const OPERATOR = 'imgtier-cli'
