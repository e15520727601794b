import { rightOf, someOf } from '../../testing/fp'
import { aUser } from '../../testing/mothers'
import type { RenderClaims } from '../../application/ports/repositories'
import type { ImageRepository, RefreshTokenRepository, TierRepository, UserRepository } from '../../application/ports/repositories'
import type { User } from '../../domain/user'

/** What every repository contract needs: the four repositories over one store. */
export interface RepositoryHarness {
  readonly tiers: TierRepository
  readonly users: UserRepository
  readonly images: ImageRepository
  readonly tokens: RefreshTokenRepository
  close(): Promise<void>
  readonly claims: RenderClaims
}

/** Called from the suite's `before` hook; it may `this.skip()` when its store is absent. */
export type MakeRepositoryHarness = (this: Mocha.Context) => Promise<RepositoryHarness>

// The helpers and mothers every repository contract uses, from their one home.
export { leftOf as left, rightOf as right, someOf as some } from '../../testing/fp'
export { aRefreshToken, aTier, aUser, anImage } from '../../testing/mothers'

/** A tier (the built-in Basic one) and a fresh user on it. */
export const aUserOnBasic = async (h: RepositoryHarness, over: Partial<User> = {}): Promise<User> => {
  const basic = someOf(await rightOf(h.tiers.findByName('basic')))
  return rightOf(h.users.create(aUser(basic.id, over)))
}
