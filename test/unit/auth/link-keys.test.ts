import { expect } from 'chai'
import * as E from 'fp-ts/Either'
import { PathReporter } from 'io-ts/PathReporter'
import { LinkKeysFromString, parseLinkKeys } from '../../../adapters/auth/link-keys'

const S = '0123456789abcdef'

describe('parseLinkKeys', () => {
  it('reads kid:secret pairs in order, trimming spaces; a secret may hold ":"', () => {
    expect(parseLinkKeys(` new:${S}:x , old:${S}`)).to.deep.equal(
      E.right([{ kid: 'new', secret: `${S}:x` }, { kid: 'old', secret: S }]),
    )
  })

  const problemsOf = (raw: string): readonly string[] => {
    const parsed = parseLinkKeys(raw)
    if (E.isRight(parsed)) throw new Error(`expected ${raw} to be refused`)
    return parsed.left
  }

  it('says what is wrong, one line per problem', () => {
    expect(problemsOf('')).to.deep.equal(['at least one link key is needed (kid:secret)'])
    expect(problemsOf(`k1:${S},nocolon`)).to.deep.equal(['link key 2: expected kid:secret'])
    expect(problemsOf(`:${S}`)[0]).to.match(/link key 1: the key id must be/)
    expect(problemsOf(`a b:${S}`)[0]).to.match(/"a b".*key id/)
    expect(problemsOf('k1:short')).to.deep.equal(['link key 1 ("k1"): the secret must be at least 16 characters'])
    expect(problemsOf(`k1:${S},k1:${S}x`)).to.deep.equal(['link key 2 ("k1"): the key id is listed twice'])
    expect(problemsOf(`k1:${S},`)).to.deep.equal(['link key 2: expected kid:secret'])
    expect(problemsOf('a.b:short')).to.have.length(2)
  })

  it('works as an io-ts codec for the config decoder', () => {
    expect(LinkKeysFromString.decode(`k1:${S}`)).to.deep.equal(E.right([{ kid: 'k1', secret: S }]))
    const report = PathReporter.report(LinkKeysFromString.decode('k1:short,k1:x'))
    expect(report).to.have.length(3)
    expect(report[0]).to.include('at least 16 characters')
    expect(E.isLeft(LinkKeysFromString.decode(42))).to.equal(true)
  })
})
