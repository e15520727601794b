import {
  objectionImageRepository, objectionRefreshTokenRepository, objectionRenderClaims, objectionTierRepository, objectionUserRepository,
  type Database,
} from '../../../adapters/persistence'
import { imageRepositoryContract } from '../../contract/image-repository.contract'
import { refreshTokenRepositoryContract } from '../../contract/refresh-token-repository.contract'
import { renderClaimsContract } from '../../contract/render-claims.contract'
import type { RepositoryHarness } from '../../contract/repository-harness.contract'
import { tierRepositoryContract } from '../../contract/tier-repository.contract'
import { userRepositoryContract } from '../../contract/user-repository.contract'
import { freshPglite, freshPostgres } from '../../support/database'
import { requirePostgres } from './postgres-only'

const harnessOver = (db: Database): RepositoryHarness => ({
  tiers: objectionTierRepository(db.knex),
  users: objectionUserRepository(db.knex),
  images: objectionImageRepository(db.knex),
  tokens: objectionRefreshTokenRepository(db.knex),
  claims: objectionRenderClaims(db.knex),
  close: () => db.close(),
})

const contracts = [tierRepositoryContract, userRepositoryContract, imageRepositoryContract, refreshTokenRepositoryContract, renderClaimsContract]

// One fresh database per suite: each contract starts from the migrated seed only.
for (const contract of contracts) contract('Objection on embedded PGlite', async () => harnessOver(await freshPglite()))

for (const contract of contracts)
  contract('Objection on Postgres', async function (this: Mocha.Context) {
    return harnessOver(await requirePostgres(this, freshPostgres))
  })
