import { usedServices } from './services'

export const mochaHooks = {
  afterAll(): void {
    const lines = [...usedServices()].map(([kind, how]) => `  ${kind}: ${how}`)
    if (lines.length > 0) console.log(`\nServices used by this run:\n${lines.join('\n')}`)
  },
}
