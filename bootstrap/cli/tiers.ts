import type { Command } from 'commander'
import { TierInput, TierPatch, type Tier } from '../../domain/tier'
import { CliFailure, decodeArg, EXIT, orFail, output, table, withCore } from './session'
import { tierNamed } from './users'

const heightsOf = (text: string): number[] => text.split(',').map((h) => Number(h.trim()))

const seconds = (text: string | undefined): number | undefined => (text === undefined ? undefined : Number(text))

const tierLine = (t: Tier): string[] => [
  t.name, t.thumbnailHeights.join(','), t.originalLink ? 'yes' : 'no',
  t.expiringLinks ? `${t.expiringLinkSeconds.min}-${t.expiringLinkSeconds.max} s` : 'no', t.id,
]

interface TierFlags {
  heights?: string; original?: boolean; expiringLinks?: boolean; minSeconds?: string; maxSeconds?: string; name?: string; json?: boolean
}

/** `--original` / `--no-original` and the like: commander gives undefined when neither is said. */
const withFlags = (cmd: Command): Command => cmd
  .option('--heights <list>', 'thumbnail heights, comma-separated (e.g. 200,400)')
  .option('--original', 'allow the link to the original')
  .option('--no-original', 'do not allow the link to the original')
  .option('--expiring-links', 'allow expiring links')
  .option('--no-expiring-links', 'do not allow expiring links')
  .option('--min-seconds <n>', 'shortest expiring link')
  .option('--max-seconds <n>', 'longest expiring link')
  .option('--json', 'machine-readable output')

export const tiersCommand = (program: Command): void => {
  const tiers = program.command('tiers').description('list and manage tiers')

  tiers.command('list').description('every tier and what it allows')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => withCore(async (core) => {
      const page = await orFail(core.useCases.listTiers({ limit: 1000, offset: 0 }), () => 'could not list tiers')
      output(Boolean(opts.json), page.results, () =>
        table([['NAME', 'HEIGHTS', 'ORIGINAL', 'EXPIRING LINKS', 'ID'], ...page.results.map(tierLine)]))
    }))

  withFlags(tiers.command('create <name>').description('define a tier')).action(async (name: string, opts: TierFlags) => {
    if (opts.heights === undefined) throw new CliFailure('--heights is required (e.g. --heights 200,400)', EXIT.usage)
    const bounds = opts.minSeconds !== undefined || opts.maxSeconds !== undefined
      ? { expiringLinkSeconds: { min: seconds(opts.minSeconds) ?? 300, max: seconds(opts.maxSeconds) ?? 30_000 } } : {}
    const input = decodeArg(TierInput, {
      name, thumbnailHeights: heightsOf(opts.heights), originalLink: opts.original ?? false, expiringLinks: opts.expiringLinks ?? false, ...bounds,
    }, 'tier')
    await withCore(async (core) => {
      const tier = await orFail(core.useCases.createTier(input), (e) => (e._tag === 'TierNameTaken' ? `a tier named "${name}" exists already` : e._tag))
      output(Boolean(opts.json), tier, () => `created tier ${tier.name} (${tier.id})`)
    })
  })

  withFlags(tiers.command('edit <tier>').description('change a tier (by name or id); users on it see the change on their next request'))
    .option('--name <name>', 'rename the tier')
    .action(async (nameOrId: string, opts: TierFlags) => {
      const bounds = opts.minSeconds !== undefined || opts.maxSeconds !== undefined
        ? { expiringLinkSeconds: { ...(opts.minSeconds !== undefined ? { min: seconds(opts.minSeconds) } : {}), ...(opts.maxSeconds !== undefined ? { max: seconds(opts.maxSeconds) } : {}) } }
        : {}
      const patch = decodeArg(TierPatch, {
        ...(opts.name !== undefined ? { name: opts.name } : {}),
        ...(opts.heights !== undefined ? { thumbnailHeights: heightsOf(opts.heights) } : {}),
        ...(opts.original !== undefined ? { originalLink: opts.original } : {}),
        ...(opts.expiringLinks !== undefined ? { expiringLinks: opts.expiringLinks } : {}),
        ...bounds,
      }, 'tier')
      await withCore(async (core) => {
        const tier = await tierNamed(core, nameOrId)
        const updated = await orFail(core.useCases.updateTier(tier.id, patch), (e) =>
          e._tag === 'TierNameTaken' ? `a tier named "${opts.name ?? ''}" exists already` : e._tag === 'InvalidTier' ? `not a valid tier: ${e.problems.join("; ")}` : e._tag)
        output(Boolean(opts.json), updated, () => table([['NAME', 'HEIGHTS', 'ORIGINAL', 'EXPIRING LINKS', 'ID'], tierLine(updated)]))
      })
    })

  tiers.command('delete <tier>').description('remove a tier nobody is on')
    .action(async (nameOrId: string) => withCore(async (core) => {
      const tier = await tierNamed(core, nameOrId)
      await orFail(core.useCases.deleteTier(tier.id), (e) => (e._tag === 'TierInUse' ? `tier ${tier.name} is in use: move its users first (imgtier users set-tier)` : e._tag))
      console.log(`deleted tier ${tier.name}`)
    }))
}
