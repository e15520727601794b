import { expect } from 'chai'
import { describePostgres, waitForBackend } from '../../bootstrap/startup-retry'

const refused = (): Error => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })

/** A fake clock the sleeps advance, so a 30 s wait costs nothing. */
const fakeTime = () => {
  let t = 0
  return { now: () => t, sleep: async (ms: number) => { t += ms } }
}

describe('start-up waits for its backends', () => {
  it('retries a refused connection until it answers', async () => {
    let calls = 0
    const retries: number[] = []
    await waitForBackend({ name: 'database (postgres at db:5432/x)', connect: async () => { if (++calls < 4) throw refused() } },
      { timeoutMs: 30_000, ...fakeTime(), onRetry: (_, attempt) => retries.push(attempt) })
    expect(calls).to.equal(4)
    expect(retries).to.deep.equal([1, 2, 3])
  })

  it('gives up after the timeout, naming the backend, the attempts and the last reason', async () => {
    const time = fakeTime()
    const failure = await waitForBackend({ name: 'database (postgres at db:5432/x)', connect: async () => { throw refused() } }, { timeoutMs: 10_000, ...time })
      .then(() => undefined, (e: unknown) => e)
    expect(String(failure)).to.match(/database \(postgres at db:5432\/x\) unreachable \(\d+ attempts in 10 s, IMGTIER_STARTUP_TIMEOUT_MS=10000\): .*ECONNREFUSED/)
    expect(time.now()).to.equal(10_000)
  })

  it('reports a failure that will not pass by itself at once (wrong password, missing bucket)', async () => {
    let calls = 0
    const auth = Object.assign(new Error('password authentication failed for user "x"'), { code: '28P01' })
    const failure = await waitForBackend({ name: 'database', connect: async () => { calls++; throw auth } }, { timeoutMs: 30_000, ...fakeTime() })
      .then(() => undefined, (e: unknown) => e)
    expect(calls).to.equal(1)
    expect(String(failure)).to.include('database: password authentication failed')
  })

  it('with a zero timeout tries exactly once; the cause chain decides what is transient', async () => {
    let calls = 0
    const wrapped = new Error('could not connect', { cause: refused() })
    const failure = await waitForBackend({ name: 'S3 endpoint', connect: async () => { calls++; throw wrapped } }, { timeoutMs: 0, ...fakeTime() })
      .then(() => undefined, (e: unknown) => e)
    expect(calls).to.equal(1)
    expect(String(failure)).to.match(/S3 endpoint unreachable \(1 attempt in 0 s/)
  })

  it('never prints the database password', () => {
    expect(describePostgres('postgres://app:s3cret@db.internal:6543/imgtier')).to.equal('postgres at db.internal:6543/imgtier')
  })
})
