import { usedServices } from './services'

// The AWS SDK warns on every client that later releases will need Node 22; this project
// pins releases that support Node 20 (README, Security), so the warning is noise in tests.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

export const mochaHooks = {
  afterAll(): void {
    const lines = [...usedServices()].map(([kind, how]) => `  ${kind}: ${how}`)
    if (lines.length > 0) console.log(`\nServices used by this run:\n${lines.join('\n')}`)
  },
}
