import type * as TE from 'fp-ts/TaskEither'
import type { InfrastructureFailure } from '../../domain/errors'
import type { Tier } from '../../domain/tier'
import type { Counted, OffsetWindow, TierRepository } from '../ports/repositories'

// Admin-only, like every tier use-case: the role check happens once at the admin boundary (checkAdminAccess).

export type ListTiersCommand = OffsetWindow
export type ListTiersError = InfrastructureFailure

export const listTiers = (deps: { tiers: TierRepository }) =>
  (window: ListTiersCommand): TE.TaskEither<ListTiersError, Counted<Tier>> => deps.tiers.list(window)
