/**
 * On AWS the Lambda runtime gives the function its execution role as temporary
 * credentials: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY *and* AWS_SESSION_TOKEN. A
 * request signed with the key but without the token is refused by S3
 * (InvalidAccessKeyId / InvalidToken), so every render would fail in production while
 * every local test (static keys) passes. This runs the handler built from exactly that
 * environment against a recording S3 endpoint and checks what goes on the wire.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http'
import { expect } from 'chai'
import { handlerFromEnv } from '../../../lambda/handler'

describe('the Lambda thumbnailer signs S3 requests with the runtime\'s temporary credentials', () => {
  it('sends AWS_SESSION_TOKEN as X-Amz-Security-Token and signs with AWS_ACCESS_KEY_ID', async () => {
    const seen: IncomingHttpHeaders[] = []
    // Answers every request 404 NoSuchKey: enough for the handler to sign and send a GET.
    const s3 = createServer((req, res) => {
      seen.push(req.headers)
      res.writeHead(404, { 'content-type': 'application/xml' })
      res.end('<?xml version="1.0"?><Error><Code>NoSuchKey</Code><Message>gone</Message></Error>')
    })
    await new Promise<void>((resolve) => s3.listen(0, '127.0.0.1', resolve))
    const address = s3.address()
    if (address === null || typeof address === 'string') throw new Error('recording S3 is not on TCP')
    try {
      const handler = handlerFromEnv({
        IMGTIER_S3_BUCKET: 'originals',
        IMGTIER_S3_THUMBNAIL_BUCKET: 'thumbnails',
        IMGTIER_S3_ENDPOINT: `http://127.0.0.1:${address.port}`,
        IMGTIER_S3_REGION: 'eu-west-1',
        IMGTIER_S3_FORCE_PATH_STYLE: 'true',
        // What the Lambda runtime sets for an execution role (values are placeholders).
        AWS_ACCESS_KEY_ID: 'ASIAEXAMPLETEMPORARY',
        AWS_SECRET_ACCESS_KEY: 'temporary/secret/for/the/execution/role00',
        AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN',
      })
      const out = await handler({ originalKey: 'img-1', height: 200, format: 'jpeg', thumbnailKey: 'img-1/200' })
      expect(out).to.deep.equal({ error: { _tag: 'BlobNotFound', key: 'img-1' } })
      expect(seen.length).to.be.at.least(1)
      for (const h of seen) {
        expect(h['x-amz-security-token'], 'session token on the wire').to.equal('IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKEN')
        expect(h.authorization).to.match(/^AWS4-HMAC-SHA256 Credential=ASIAEXAMPLETEMPORARY\/\d{8}\/eu-west-1\/s3\/aws4_request/)
      }
    } finally {
      s3.closeAllConnections()
      await new Promise<void>((resolve) => s3.close(() => resolve()))
    }
  })
})
