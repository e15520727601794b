import { expect } from 'chai'
import * as E from 'fp-ts/Either'
import { loadConfig } from '../../bootstrap/config'

const problemsOf = (env: NodeJS.ProcessEnv): readonly string[] => {
  const r = loadConfig(env)
  return E.isLeft(r) ? r.left : []
}

describe('configuration from the environment', () => {
  it('runs on no configuration at all, with the documented defaults', () => {
    const r = loadConfig({})
    if (E.isLeft(r)) throw new Error(r.left.join('; '))
    expect(r.right).to.deep.include({ port: 8000, host: '0.0.0.0', publicUrl: 'http://localhost:8000', storage: 'fs', delivery: 'proxy', maxUploadBytes: 20 * 1024 * 1024, maxPixels: 50_000_000, migrateOnStart: true })
    expect(r.right.thumbnailer).to.deep.equal({ kind: 'inprocess' })
    expect(r.right.rateLimits.enabled).to.equal(true)
    expect(r.right).to.deep.include({ cacheTtlMs: 2_000, thumbnailCacheBytes: 64 * 1024 * 1024 })
  })

  it('reads the cache settings, 0 turning each off, and refuses a bad one', () => {
    const r = loadConfig({ IMGTIER_CACHE_TTL_MS: '0', IMGTIER_THUMBNAIL_CACHE_BYTES: '0' })
    if (E.isLeft(r)) throw new Error(r.left.join('; '))
    expect(r.right).to.deep.include({ cacheTtlMs: 0, thumbnailCacheBytes: 0 })
    expect(problemsOf({ IMGTIER_CACHE_TTL_MS: '2s' }).join()).to.match(/^IMGTIER_CACHE_TTL_MS: /)
  })

  it('reports every bad value at once, one line each, naming the variable', () => {
    const problems = problemsOf({ PORT: '99999', IMGTIER_DELIVERY: 'carrier-pigeon', IMGTIER_RATE_LIMITS: 'maybe' })
    expect(problems).to.have.length(3)
    expect(problems.join('\n')).to.match(/^PORT: /m).and.to.match(/^IMGTIER_DELIVERY: /m).and.to.match(/^IMGTIER_RATE_LIMITS: /m)
  })

  it('refuses combinations that cannot work', () => {
    expect(problemsOf({ IMGTIER_DELIVERY: 'redirect' }).join()).to.match(/redirect needs IMGTIER_STORAGE=s3/)
    expect(problemsOf({ IMGTIER_THUMBNAILER: 'lambda', IMGTIER_STORAGE: 's3', IMGTIER_S3_BUCKET: 'b' }).join()).to.match(/IMGTIER_LAMBDA_FUNCTION/)
    expect(problemsOf({ IMGTIER_ADMIN_USERNAME: 'root' }).join()).to.match(/go together/)
  })

  it('in production, demands real secrets and reports them even beside other bad values', () => {
    const problems = problemsOf({ NODE_ENV: 'production', IMGTIER_JWT_SECRET: 'changeme', PORT: 'x' })
    expect(problems.join('\n')).to.match(/^PORT: /m).and.to.match(/IMGTIER_JWT_SECRET: must be at least 32/).and.to.match(/IMGTIER_LINK_KEYS: required/).and.to.match(/IMGTIER_PUBLIC_URL: required/)
    const ok = loadConfig({ NODE_ENV: 'production', IMGTIER_JWT_SECRET: 'a'.repeat(40), IMGTIER_LINK_KEYS: `k1:${'b'.repeat(40)}`, IMGTIER_PUBLIC_URL: 'https://img.example.com/' })
    expect(E.isRight(ok) && ok.right.publicUrl).to.equal('https://img.example.com')
  })

  it('refuses an unknown IMGTIER_* variable instead of silently using a default, and suggests the near name', () => {
    const problems = problemsOf({ IMGTIER_STORGE: 's3', IMGTIER_S3_BUCKET: 'b' })
    expect(problems).to.deep.equal(['IMGTIER_STORGE: unknown variable; did you mean IMGTIER_STORAGE?'])
    expect(problemsOf({ IMGTIER_COLOUR_SCHEME: 'dark' })).to.deep.equal(['IMGTIER_COLOUR_SCHEME: unknown variable'])
    // Reported beside bad values too, and variables of other programs are not ours to judge.
    expect(problemsOf({ PORT: 'x', IMGTIER_RATE_LIMIT: 'off', HOSTNAME: 'box', AWS_REGION: 'eu-west-1' }).join('\n'))
      .to.match(/^PORT: /m).and.to.match(/^IMGTIER_RATE_LIMIT: unknown variable; did you mean IMGTIER_RATE_LIMITS\?$/m)
  })

  it('knows every variable DESIGN.md names, with its documented default', () => {
    const r = loadConfig({})
    if (E.isLeft(r)) throw new Error(r.left.join('; '))
    expect(r.right).to.deep.include({ accessLog: true, cacheTtlMs: 2_000, thumbnailCacheBytes: 64 * 1024 * 1024, shutdownGraceMs: 25_000, startupTimeoutMs: 30_000 })
    const set = loadConfig({ IMGTIER_ACCESS_LOG: 'off', IMGTIER_CACHE_TTL_MS: '500', IMGTIER_THUMBNAIL_CACHE_BYTES: '0', IMGTIER_SHUTDOWN_GRACE_MS: '1000', IMGTIER_STARTUP_TIMEOUT_MS: '0' })
    if (E.isLeft(set)) throw new Error(set.left.join('; '))
    expect(set.right).to.deep.include({ accessLog: false, cacheTtlMs: 500, thumbnailCacheBytes: 0, shutdownGraceMs: 1000, startupTimeoutMs: 0 })
  })
})
