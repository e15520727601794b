import { GetBucketLifecycleConfigurationCommand, HeadBucketCommand } from '@aws-sdk/client-s3'
import { expect } from 'chai'
import { makeJpeg } from '../../support/images'
import { Client } from '../../support/http'
import { emptyAndDelete, uniqueBucketName } from '../../support/s3'
import { startTestServer, type TestServer } from '../../support/server'

/** IMGTIER_S3_CREATE_BUCKETS: a first start on an empty S3 account makes both buckets and the thumbnail expiry rule. */
describe('S3 buckets created at start (aws backend)', function () {
  this.timeout(60_000)
  const originals = uniqueBucketName()
  const thumbnails = uniqueBucketName()
  let server: TestServer

  before(async () => {
    server = await startTestServer({
      backend: 'aws',
      env: { IMGTIER_S3_BUCKET: originals, IMGTIER_S3_THUMBNAIL_BUCKET: thumbnails, IMGTIER_S3_CREATE_BUCKETS: 'true', IMGTIER_THUMBNAIL_EXPIRY_DAYS: '3', IMGTIER_THUMBNAILER: 'inprocess' },
    })
  })
  after(async () => {
    const client = server?.s3?.client
    await server?.close()
    if (client) for (const b of [originals, thumbnails]) await emptyAndDelete(client, b).catch(() => undefined)
  })

  it('creates both buckets, stores originals and thumbnails in them, and expires only thumbnails', async function () {
    const s3 = server.s3
    if (!s3) throw new Error('the aws backend has an S3')
    for (const bucket of [originals, thumbnails]) await s3.client.send(new HeadBucketCommand({ Bucket: bucket }))
    const api = new Client(server.url)
    const token = await api.login(server.admin.username, server.admin.password)
    const image = (await api.upload(token, await makeJpeg({ width: 300, height: 200 }), 'b.jpg')).json
    expect((await api.get(`/images/${image.id}/thumbnails/200`, token)).status).to.equal(200)
    const keysOf = async (store: 'originals' | 'thumbnails') => {
      const r = await server.imgtier.deps[store].list('')()
      return r._tag === 'Right' ? r.right : []
    }
    expect(await keysOf('originals')).to.deep.equal([image.id])
    expect(await keysOf('thumbnails')).to.deep.equal([`${image.id}/200`])
    if (!s3.verifiesSignatures) {
      console.log('    (lifecycle rule not checked: the stand-in S3 has no lifecycle API; Ceph in CI checks it)')
      return
    }
    const rules = (await s3.client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: thumbnails }))).Rules ?? []
    expect(rules.map((r) => r.Expiration?.Days)).to.deep.equal([3])
    const onOriginals = await s3.client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: originals })).then(() => 'a rule', (e: unknown) => (e instanceof Error ? e.name : 'error'))
    expect(onOriginals).to.equal('NoSuchLifecycleConfiguration')
  })
})
