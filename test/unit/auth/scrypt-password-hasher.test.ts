import { expect } from 'chai'
import { DEFAULT_SCRYPT_COST, scryptPasswordHasher } from '../../../adapters/auth/scrypt-password-hasher'
import { passwordHasherContract } from '../../contract/password-hasher.contract'

// A low cost keeps the suite fast; the format and the comparison are the same.
const cheap = { N: 1024, r: 8, p: 1 }

passwordHasherContract('scrypt', () => scryptPasswordHasher({ cost: cheap }))

describe('scryptPasswordHasher', () => {
  it('writes self-describing hashes: scrypt$N$r$p$salt$hash', async () => {
    const hash = await scryptPasswordHasher({ cost: cheap }).hash('pa55word!')()
    expect(hash).to.match(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/)
  })

  it('verifies a hash written under another cost, so the default can rise later', async () => {
    const old = await scryptPasswordHasher({ cost: { N: 512, r: 4, p: 1 } }).hash('pa55word!')()
    expect(await scryptPasswordHasher({ cost: cheap }).verify('pa55word!', old)()).to.equal(true)
  })

  it('defaults to N=16384, r=8, p=1', async () => {
    expect(DEFAULT_SCRYPT_COST).to.deep.equal({ N: 16384, r: 8, p: 1 })
    const hash = await scryptPasswordHasher().hash('pa55word!')()
    expect(hash.startsWith('scrypt$16384$8$1$')).to.equal(true)
  })

  it('treats one password typed in two Unicode forms as the same', async () => {
    const hasher = scryptPasswordHasher({ cost: cheap })
    const hash = await hasher.hash('caf\u00e9-pass')()
    expect(await hasher.verify('cafe\u0301-pass', hash)()).to.equal(true)
  })

  it('refuses, as malformed, stored parameters that would cost too much or make no sense', async () => {
    const hasher = scryptPasswordHasher({ cost: cheap })
    const [, , , , salt, key] = (await hasher.hash('pa55word!')()).split('$')
    for (const params of ['1048577$8$1', '2097152$8$1', '1000$8$1', '1024$0$1', '1024$8$0', '1024$99$1', '01024$8$1', '1024$8$1.0']) {
      expect(await hasher.verify('pa55word!', `scrypt$${params}$${salt}$${key}`)(), params).to.equal(false)
    }
  })

  it('refuses a nonsensical cost at construction', () => {
    expect(() => scryptPasswordHasher({ cost: { N: 1000 } })).to.throw(/power of two/)
  })
})
