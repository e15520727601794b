import { Command } from 'commander'
import { linksCommand } from './links'
import { maintenanceCommands } from './maintenance'
import { EXIT } from './session'
import { thumbnailsCommand } from './thumbnails'
import { tiersCommand } from './tiers'
import { usersCommand } from './users'

/** The `imgtier` operator CLI: every command on the configured database and storage (the same environment as the API). */
export const cliProgram = (): Command => {
  const program = new Command('imgtier')
    .description('imgtier operator commands; configured by the same environment variables as the API (README, Configuration)')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', `
Exit codes: ${EXIT.ok} ok, ${EXIT.failed} failed (database, storage, render), ${EXIT.usage} bad usage or configuration,
${EXIT.notFound} no such user/tier/image, ${EXIT.refused} refused (name taken, tier in use, link not valid),
${EXIT.databaseInUse} the embedded database is in use by a running server.`)
  maintenanceCommands(program)
  usersCommand(program)
  tiersCommand(program)
  thumbnailsCommand(program)
  linksCommand(program)
  // Usage errors (unknown command or option, missing argument) exit with 2, not commander's 1.
  const usageExit = (cmd: Command): void => {
    cmd.exitOverride((err) => {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') process.exit(EXIT.ok)
      process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage)
    })
    for (const sub of cmd.commands) usageExit(sub)
  }
  usageExit(program)
  return program
}
