import { randomBytes, randomUUID } from 'node:crypto'
import * as E from 'fp-ts/Either'
import * as O from 'fp-ts/Option'
import type * as TE from 'fp-ts/TaskEither'
import type { RenderClaims } from '../../application/ports/repositories'
import type {
  ImageRepository, RefreshTokenRecord, RefreshTokenRepository, TierRepository, UserRepository,
} from '../../application/ports/repositories'
import type { Image } from '../../domain/image'
import type { Tier } from '../../domain/tier'
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

export const right = async <E, A>(te: TE.TaskEither<E, A>): Promise<A> => {
  const r = await te()
  if (E.isLeft(r)) throw new Error(`expected Right, got Left ${JSON.stringify(r.left)}`)
  return r.right
}

export const left = async <E, A>(te: TE.TaskEither<E, A>): Promise<E> => {
  const r = await te()
  if (E.isRight(r)) throw new Error(`expected Left, got Right ${JSON.stringify(r.right)}`)
  return r.left
}

export const some = <A>(o: O.Option<A>): A => {
  if (O.isNone(o)) throw new Error('expected Some, got None')
  return o.value
}

const suffix = () => randomBytes(4).toString('hex')

// Object mothers: suites share one store, so every name is unique per call.
export const aTier = (over: Partial<Tier> = {}): Tier => ({
  id: randomUUID(),
  name: `Tier ${suffix()}`,
  thumbnailHeights: [100, 300],
  originalLink: true,
  expiringLinks: false,
  expiringLinkSeconds: { min: 300, max: 30_000 },
  ...over,
})

export const aUser = (tierId: string, over: Partial<User> = {}): User => ({
  id: randomUUID(),
  username: `user_${suffix()}`,
  passwordHash: 'scrypt$hash',
  tierId,
  role: 'user',
  active: true,
  sessionVersion: 0,
  createdAt: new Date(),
  ...over,
})

export const anImage = (ownerId: string, over: Partial<Image> = {}): Image => ({
  id: randomUUID(),
  ownerId,
  name: `image ${suffix()}`,
  format: 'jpeg',
  width: 640,
  height: 480,
  bytes: 123_456,
  sha256: randomBytes(32).toString('hex'),
  createdAt: new Date(),
  ...over,
})

export const aRefreshToken = (userId: string, over: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord => ({
  digest: randomBytes(32).toString('base64url'),
  userId,
  familyId: randomUUID(),
  expiresAt: new Date(Date.now() + 86_400_000),
  createdAt: new Date(),
  ...over,
})

/** A tier (the built-in Basic one) and a fresh user on it. */
export const aUserOnBasic = async (h: RepositoryHarness, over: Partial<User> = {}): Promise<User> => {
  const basic = some(await right(h.tiers.findByName('basic')))
  return right(h.users.create(aUser(basic.id, over)))
}
