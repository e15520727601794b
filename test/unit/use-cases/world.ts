import { createCore, type Core } from '../../../bootstrap/core'
import type { Tier } from '../../../domain/tier'
import type { User } from '../../../domain/user'
import { aPngHeader, inMemoryPorts, rightOf, someOf, type InMemoryPorts } from '../../../testing'

/** The use-cases bound to in-memory ports (createCore with ports): no I/O, no timers. */
export interface World {
  readonly ports: InMemoryPorts
  readonly core: Core
  readonly useCases: Core['useCases']
  tier(name: 'Basic' | 'Premium' | 'Enterprise'): Promise<Tier>
  /** A user on a built-in tier, and that tier as it is now. */
  aUserOn(name: 'Basic' | 'Premium' | 'Enterprise'): Promise<{ user: User; tier: Tier }>
  /** An uploaded 640×480 PNG of `owner`. */
  anUploadOf(owner: User): Promise<{ id: string }>
}

export const aWorld = async (): Promise<World> => {
  const ports = inMemoryPorts()
  const core = await createCore({ ports })
  const { useCases } = core
  const tier = async (name: string) => someOf(await rightOf(ports.tiers.findByName(name)))
  let n = 0
  return {
    ports, core, useCases, tier,
    aUserOn: async (name) => {
      const t = await tier(name)
      const user = await rightOf(useCases.createUser({ username: `user${++n}`, password: 'a long enough password', tierId: t.id }))
      return { user, tier: t }
    },
    anUploadOf: (owner) => rightOf(useCases.uploadImage({ ownerId: owner.id, bytes: aPngHeader(640, 480), fileName: 'cat.png' })),
  }
}
