import type * as TE from 'fp-ts/TaskEither'
import type { InfrastructureFailure, TierNotFound } from '../../domain/errors'
import type { Tier } from '../../domain/tier'
import type { TierRepository } from '../ports/repositories'

/** The tier's id. */
export type GetTierCommand = string
export type GetTierError = TierNotFound | InfrastructureFailure

export const getTier = (deps: { tiers: TierRepository }) =>
  (id: GetTierCommand): TE.TaskEither<GetTierError, Tier> => deps.tiers.get(id)
