import { expect } from 'chai'
import * as O from 'fp-ts/Option'
import { aRefreshToken, aUserOnBasic, right, some, type MakeRepositoryHarness, type RepositoryHarness } from './repository-harness.contract'

export const refreshTokenRepositoryContract = (name: string, makeHarness: MakeRepositoryHarness) =>
  describe(`RefreshTokenRepository contract: ${name}`, () => {
    let h: RepositoryHarness
    before(async function () {
      h = await makeHarness.call(this)
    })
    after(async () => h?.close())

    it('round-trips a record, with no usedAt or revokedAt keys until set', async () => {
      const user = await aUserOnBasic(h)
      const token = aRefreshToken(user.id, { createdAt: new Date('2025-01-02T03:04:05.678Z') })
      await right(h.tokens.insert(token))
      const found = some(await right(h.tokens.find(token.digest)))
      expect(found).to.deep.equal(token)
      expect(found).not.to.have.any.keys('usedAt', 'revokedAt')
      expect(await right(h.tokens.find('no-such-digest'))).to.deep.equal(O.none)
    })

    it('keeps the first record when one digest is inserted again, even concurrently (a derived successor)', async () => {
      const user = await aUserOnBasic(h)
      const token = aRefreshToken(user.id, { createdAt: new Date('2025-01-02T03:04:05.678Z') })
      await Promise.all([0, 1, 2].map(() => right(h.tokens.insert(token))))
      await right(h.tokens.insert({ ...token, createdAt: new Date('2025-02-02T00:00:00.000Z') }))
      expect(some(await right(h.tokens.find(token.digest)))).to.deep.equal(token)
    })

    it('marks a token used once: a replay gets false', async () => {
      const user = await aUserOnBasic(h)
      const token = aRefreshToken(user.id)
      await right(h.tokens.insert(token))
      const at = new Date('2025-06-01T00:00:00.123Z')
      expect(await right(h.tokens.markUsed(token.digest, at))).to.equal(true)
      expect(await right(h.tokens.markUsed(token.digest, new Date()))).to.equal(false)
      expect(some(await right(h.tokens.find(token.digest))).usedAt).to.deep.equal(at)
      expect(await right(h.tokens.markUsed('no-such-digest', at))).to.equal(false)
    })

    it('lets exactly one of many concurrent uses win', async () => {
      const user = await aUserOnBasic(h)
      for (let round = 0; round < 5; round++) {
        const token = aRefreshToken(user.id)
        await right(h.tokens.insert(token))
        const results = await Promise.all([0, 1, 2, 3].map(() => right(h.tokens.markUsed(token.digest, new Date()))))
        expect(results.filter(Boolean), `round ${round}`).to.have.length(1)
      }
    })

    it('revokes a whole family and nothing else; a revoked token cannot be used', async () => {
      const user = await aUserOnBasic(h)
      const a = aRefreshToken(user.id)
      const b = aRefreshToken(user.id, { familyId: a.familyId })
      const other = aRefreshToken(user.id)
      for (const t of [a, b, other]) await right(h.tokens.insert(t))
      const at = new Date('2025-06-01T00:00:00.456Z')
      await right(h.tokens.revokeFamily(a.familyId, at))
      expect(some(await right(h.tokens.find(a.digest))).revokedAt).to.deep.equal(at)
      expect(some(await right(h.tokens.find(b.digest))).revokedAt).to.deep.equal(at)
      expect(some(await right(h.tokens.find(other.digest)))).not.to.have.property('revokedAt')
      expect(await right(h.tokens.markUsed(b.digest, new Date()))).to.equal(false)
      expect(await right(h.tokens.markUsed(other.digest, new Date()))).to.equal(true)
    })

    it('revokes every token of one user, and only theirs', async () => {
      const user = await aUserOnBasic(h)
      const bystander = await aUserOnBasic(h)
      const mine = [aRefreshToken(user.id), aRefreshToken(user.id)]
      const theirs = aRefreshToken(bystander.id)
      for (const t of [...mine, theirs]) await right(h.tokens.insert(t))
      await right(h.tokens.revokeAllForUser(user.id, new Date()))
      for (const t of mine) expect(some(await right(h.tokens.find(t.digest)))).to.have.property('revokedAt')
      expect(some(await right(h.tokens.find(theirs.digest)))).not.to.have.property('revokedAt')
      await right(h.tokens.revokeAllForUser('not-a-uuid', new Date()))
    })
  })
