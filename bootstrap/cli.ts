import { cliProgram } from './cli/program'
import { asCliFailure } from './cli/session'

/** `imgtier …` (bin/imgtier.js) and `npm run migrate` / `reconcile`: see `imgtier --help`. */
cliProgram().parseAsync(process.argv).catch((err: unknown) => {
  const failure = asCliFailure(err)
  console.error(`imgtier: ${failure.message}`)
  process.exit(failure.exitCode)
})
