import type { Command } from 'commander'
import { SingleBar, Presets } from 'cli-progress'
import type { WarmProgress } from '../../application/use-cases/warm-thumbnails'
import { CliFailure, EXIT, orFail, output, withCore } from './session'

export const thumbnailsCommand = (program: Command): void => {
  const thumbnails = program.command('thumbnails').description('the thumbnail cache')

  thumbnails.command('warm').description('render every thumbnail the tiers allow that is not cached yet (resumable: run it again to finish)')
    .option('--tier <name>', 'only users on this tier')
    .option('--user <username>', 'only this user')
    .option('--concurrency <n>', 'renders in flight', '2')
    .option('--json', 'machine-readable summary')
    .action(async (opts: { tier?: string; user?: string; concurrency: string; json?: boolean }) => {
      const concurrency = Number(opts.concurrency)
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) throw new CliFailure('--concurrency takes a whole number from 1 to 32', EXIT.usage)
      // A bar for a person at a terminal; scripts (--json, or output to a file) get only the summary.
      const bar = !opts.json && process.stderr.isTTY
        ? new SingleBar({ format: 'warming {bar} {value}/{total} | rendered {rendered}, cached already {present}, failed {failed}', stream: process.stderr }, Presets.shades_classic)
        : undefined
      const onProgress = (p: WarmProgress) => {
        const done = p.rendered + p.present + p.failed.length
        const payload = { rendered: p.rendered, present: p.present, failed: p.failed.length }
        if (bar && !barStarted) { bar.start(p.total, done, payload); barStarted = true } else bar?.update(done, payload)
      }
      let barStarted = false
      const summary = await withCore(async (core) =>
        orFail(core.useCases.warmThumbnails({ username: opts.user, tierName: opts.tier, concurrency }, onProgress),
          (e) => (e._tag === 'UserNotFound' ? `no user named "${opts.user ?? ''}"` : e._tag === 'TierNotFound' ? `no tier named "${opts.tier ?? ''}"` : e._tag)))
        .finally(() => bar?.stop())
      output(Boolean(opts.json), summary, () =>
        `${summary.total} thumbnails: ${summary.rendered} rendered, ${summary.present} cached already, ${summary.failed.length} failed` +
        summary.failed.map((f) => `\n  failed: image ${f.imageId} at ${f.height} px: ${f.reason}`).join(''))
      if (summary.failed.length > 0) process.exitCode = EXIT.failed
    })
}
