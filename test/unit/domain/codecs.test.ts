import { expect } from 'chai'
import * as E from 'fp-ts/Either'
import { DatabaseText, isStorableText, stringOfLength, trimmedString } from '../../../domain/codecs'
import { PageQuery } from '../../../domain/page'
import { TierName } from '../../../domain/tier'
import { Password } from '../../../domain/user'

describe('domain: text the database can store', () => {
  it('refuses U+0000 and unpaired surrogates, keeps paired ones and everything else', () => {
    for (const bad of ['\u0000', 'a\u0000', '\ud800', 'a\ud83d', '\ude42b', '\ude42\ud83d']) expect(isStorableText(bad), JSON.stringify(bad)).to.equal(false)
    for (const good of ['', 'plain', '🙂', 'a\u0001b', 'é\u00ff', '\ud83d\ude42\ud83d\ude42', '\uffff']) expect(isStorableText(good), JSON.stringify(good)).to.equal(true)
  })

  it('every text codec that reaches the database builds on it, with one message', () => {
    for (const codec of [DatabaseText, trimmedString(1, 10), stringOfLength(1, 10), TierName, Password]) {
      const decoded = codec.decode('bad\u0000word')
      expect(E.isLeft(decoded), codec.name).to.equal(true)
      if (E.isLeft(decoded)) expect(decoded.left[0]?.message).to.equal('must not contain U+0000 or unpaired surrogates')
      expect(codec.is('bad\ud800word')).to.equal(false)
    }
    expect(E.isLeft(PageQuery.decode({ cursor: 'a\u0000b' }))).to.equal(true)
    expect(DatabaseText.decode('fine')).to.deep.equal(E.right('fine'))
  })
})
