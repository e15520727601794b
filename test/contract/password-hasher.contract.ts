import { expect } from 'chai'
import type { PasswordHasher } from '../../application/ports/security'

export const passwordHasherContract = (name: string, make: () => PasswordHasher): Mocha.Suite =>
  describe(`PasswordHasher contract: ${name}`, () => {
    it('verifies the password it hashed, and no other', async () => {
      const hasher = make()
      const hash = await hasher.hash('correct horse battery staple')()
      expect(await hasher.verify('correct horse battery staple', hash)()).to.equal(true)
      expect(await hasher.verify('correct horse battery stapl', hash)()).to.equal(false)
      expect(await hasher.verify('Correct horse battery staple', hash)()).to.equal(false)
      expect(await hasher.verify('', hash)()).to.equal(false)
    })

    it('salts: one password hashed twice gives two hashes, both valid', async () => {
      const hasher = make()
      const [a, b] = await Promise.all([hasher.hash('pa55word!')(), hasher.hash('pa55word!')()])
      expect(a).to.not.equal(b)
      expect(await hasher.verify('pa55word!', a)()).to.equal(true)
      expect(await hasher.verify('pa55word!', b)()).to.equal(true)
    })

    it('never stores the password itself', async () => {
      const hash = await make().hash('a-very-visible-password')()
      expect(hash).to.not.include('a-very-visible-password')
    })

    it('answers false, without throwing, for malformed hashes', async () => {
      const hasher = make()
      const good = await hasher.hash('pa55word!')()
      const malformed = ['', 'x', '$', good.slice(0, -5), good.slice(0, -1), `${good}$`, `${good}!`, good.replace(/\$/g, ':'), 'pa55word!']
      for (const hash of malformed) {
        expect(await hasher.verify('pa55word!', hash)(), hash).to.equal(false)
      }
    })

    it('handles long and non-ASCII passwords', async () => {
      const hasher = make()
      const long = 'ж€😀'.repeat(256)
      const hash = await hasher.hash(long)()
      expect(await hasher.verify(long, hash)()).to.equal(true)
      expect(await hasher.verify(long.slice(0, -1), hash)()).to.equal(false)
    })
  })
