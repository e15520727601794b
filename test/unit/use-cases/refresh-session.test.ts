import { expect } from 'chai'
import { leftTagOf, rightOf } from '../../../testing'
import { aWorld } from './world'

describe('use-cases on in-memory ports: refresh rotation', () => {
  it('rotates the refresh token, and a replay of a spent one ends the whole family', async () => {
    const w = await aWorld()
    const { user } = await w.aUserOn('Basic')
    const login = await rightOf(w.useCases.login({ username: user.username, password: 'a long enough password' }))
    const rotated = await rightOf(w.useCases.refreshSession(login.refreshToken))
    expect(rotated.refreshToken).not.to.equal(login.refreshToken)
    expect((await rightOf(w.useCases.authenticate(rotated.accessToken))).user.id).to.equal(user.id)

    w.ports.clock.advance(10 * 60_000) // long after any grace for a racing client
    expect(await leftTagOf(w.useCases.refreshSession(login.refreshToken))).to.equal('RefreshTokenInvalid')
    // The thief's replay revoked the family: the legitimate newer token is dead too, and so is its access token.
    expect(await leftTagOf(w.useCases.refreshSession(rotated.refreshToken))).to.equal('RefreshTokenInvalid')
    expect(await leftTagOf(w.useCases.authenticate(rotated.accessToken))).to.equal('Unauthorized')
  })

  it('refuses an expired refresh token by the clock', async () => {
    const w = await aWorld()
    const { user } = await w.aUserOn('Basic')
    const login = await rightOf(w.useCases.login({ username: user.username, password: 'a long enough password' }))
    w.ports.clock.advance(w.core.deps.refreshTtlSeconds * 1000)
    expect(await leftTagOf(w.useCases.refreshSession(login.refreshToken))).to.equal('RefreshTokenInvalid')
  })
})
