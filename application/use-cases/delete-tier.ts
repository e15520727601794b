import type * as TE from 'fp-ts/TaskEither'
import type { InfrastructureFailure, TierInUse, TierNotFound } from '../../domain/errors'
import type { TierRepository } from '../ports/repositories'

/** The tier's id. */
export type DeleteTierCommand = string
export type DeleteTierError = TierNotFound | TierInUse | InfrastructureFailure

/** Refused while any user stands on the tier. */
export const deleteTier = (deps: { tiers: TierRepository }) =>
  (id: DeleteTierCommand): TE.TaskEither<DeleteTierError, void> => deps.tiers.delete(id)
