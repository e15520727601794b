import { expect } from 'chai'
import { leftTagOf, rightOf } from '../../../testing'
import { aWorld } from './world'

describe('use-cases on in-memory ports: expiring links', () => {
  const linkTo200 = async () => {
    const w = await aWorld()
    const { user, tier } = await w.aUserOn('Enterprise')
    const image = await w.anUploadOf(user)
    const link = await rightOf(w.useCases.createExpiringLink({ ownerId: user.id, tier, imageId: image.id, variant: { height: '200' }, expiresIn: 600 }))
    return { w, user, tier, image, link }
  }

  it('opens a link: the thumbnail is rendered once, then served from the cache', async () => {
    const { w, link } = await linkTo200()
    const first = await rightOf(w.useCases.openExpiringLink({ token: link.token }))
    expect(first.delivery._tag).to.equal('Bytes')
    expect(first.remainingSeconds).to.equal(600)
    await rightOf(w.useCases.openExpiringLink({ token: link.token }))
    expect(w.ports.renderer.calls.map((c) => c.height)).to.deep.equal([200])
  })

  it('re-checks at every use: expiry by the clock, a tier that stops allowing it, a deactivated owner, a deleted image', async () => {
    const { w, user, tier, image, link } = await linkTo200()
    w.ports.clock.advance(599_000)
    expect((await rightOf(w.useCases.openExpiringLink({ token: link.token }))).remainingSeconds).to.equal(1)
    w.ports.clock.advance(1_000)
    expect(await leftTagOf(w.useCases.openExpiringLink({ token: link.token }))).to.equal('LinkExpired')

    w.ports.clock.advance(-600_000)
    await rightOf(w.useCases.updateTier(tier.id, { expiringLinks: false }))
    expect(await leftTagOf(w.useCases.openExpiringLink({ token: link.token }))).to.equal('LinkRevoked')
    await rightOf(w.useCases.updateTier(tier.id, { expiringLinks: true }))
    await rightOf(w.useCases.openExpiringLink({ token: link.token }))

    await rightOf(w.useCases.updateUser('some-admin', user.id, { active: false }))
    expect(await leftTagOf(w.useCases.openExpiringLink({ token: link.token }))).to.equal('LinkRevoked')
    await rightOf(w.useCases.updateUser('some-admin', user.id, { active: true }))

    await rightOf(w.useCases.deleteImage({ ownerId: user.id, imageId: image.id }))
    expect(await leftTagOf(w.useCases.openExpiringLink({ token: link.token }))).to.equal('LinkNotFound')
    expect(await leftTagOf(w.useCases.openExpiringLink({ token: `${link.token.slice(0, -2)}xx` }))).to.equal('LinkInvalid')
  })

  it('refuses to create a link the tier does not allow, permission before value', async () => {
    const w = await aWorld()
    const { user, tier } = await w.aUserOn('Premium')
    const image = await w.anUploadOf(user)
    const cmd = { ownerId: user.id, tier, imageId: image.id, variant: { height: '200' }, expiresIn: 'soon' }
    expect(await leftTagOf(w.useCases.createExpiringLink(cmd))).to.equal('TierForbidsExpiringLinks')
  })
})
