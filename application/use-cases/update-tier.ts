import { pipe } from 'fp-ts/function'
import * as TE from 'fp-ts/TaskEither'
import type { InfrastructureFailure, InvalidTier, TierNameTaken, TierNotFound } from '../../domain/errors'
import { applyTierPatch, type Tier, type TierPatch } from '../../domain/tier'
import type { TierRepository } from '../ports/repositories'

/** Decoded at the edge by the TierPatch codec. */
export type UpdateTierCommand = TierPatch
export type UpdateTierError = TierNotFound | TierNameTaken | InvalidTier | InfrastructureFailure

/** One row write: every image link and permission follows on the next request. */
export const updateTier = (deps: { tiers: TierRepository }) =>
  (id: string, patch: UpdateTierCommand): TE.TaskEither<UpdateTierError, Tier> =>
    pipe(
      deps.tiers.get(id),
      TE.chainEitherKW((tier) => applyTierPatch(tier, patch)),
      TE.chainW((tier) => deps.tiers.update(tier)),
    )
