import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import type { InfrastructureFailure, InvalidTier, TierInUse, TierNameTaken, TierNotFound } from '../../domain/errors'
import { applyTierPatch, tierDraftFromInput, type Tier, type TierInput, type TierPatch } from '../../domain/tier'
import type { Counted, OffsetWindow, TierRepository } from '../ports/repositories'
import type { IdGenerator } from '../ports/runtime'

// Admin-only use-cases; the role check happens once at the admin boundary (checkAdminAccess).

export const listTiers = (deps: { tiers: TierRepository }) =>
  (window: OffsetWindow): TE.TaskEither<InfrastructureFailure, Counted<Tier>> => deps.tiers.list(window)

export const getTier = (deps: { tiers: TierRepository }) =>
  (id: string): TE.TaskEither<TierNotFound | InfrastructureFailure, Tier> => deps.tiers.get(id)

export const createTier = (deps: { tiers: TierRepository; ids: IdGenerator }) =>
  (input: TierInput): TE.TaskEither<TierNameTaken | InfrastructureFailure, Tier> =>
    deps.tiers.create({ id: deps.ids.uuid(), ...tierDraftFromInput(input) })

/** One row write: every image link and permission follows on the next request. */
export const updateTier = (deps: { tiers: TierRepository }) =>
  (id: string, patch: TierPatch): TE.TaskEither<TierNotFound | TierNameTaken | InvalidTier | InfrastructureFailure, Tier> =>
    pipe(
      deps.tiers.get(id),
      TE.chainEitherKW((tier) => applyTierPatch(tier, patch)),
      TE.chainW((tier) => deps.tiers.update(tier)),
    )

export const deleteTier = (deps: { tiers: TierRepository }) =>
  (id: string): TE.TaskEither<TierNotFound | TierInUse | InfrastructureFailure, void> => deps.tiers.delete(id)
