import type * as TE from 'fp-ts/TaskEither'
import type { InfrastructureFailure, TierNameTaken } from '../../domain/errors'
import { tierDraftFromInput, type Tier, type TierInput } from '../../domain/tier'
import type { TierRepository } from '../ports/repositories'
import type { IdGenerator } from '../ports/runtime'

/** Decoded at the edge by the TierInput codec. */
export type CreateTierCommand = TierInput
export type CreateTierError = TierNameTaken | InfrastructureFailure

export const createTier = (deps: { tiers: TierRepository; ids: IdGenerator }) =>
  (input: CreateTierCommand): TE.TaskEither<CreateTierError, Tier> =>
    deps.tiers.create({ id: deps.ids.uuid(), ...tierDraftFromInput(input) })
