/**
 * S3 event notifications exactly as S3 sends them (eventVersion 2.1): keys are
 * URL-encoded form-style ('+' for spaces), as the handler must decode them.
 */
export const s3Record = (bucket: string, encodedKey: string, opts: { eventName?: string; size?: number } = {}) => ({
  eventVersion: '2.1',
  eventSource: 'aws:s3',
  awsRegion: 'us-east-1',
  eventTime: '2025-01-01T12:00:00.000Z',
  eventName: opts.eventName ?? 'ObjectCreated:Put',
  userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
  requestParameters: { sourceIPAddress: '203.0.113.7' },
  responseElements: { 'x-amz-request-id': 'C3D13FE58DE4C810', 'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD' },
  s3: {
    s3SchemaVersion: '1.0',
    configurationId: 'imgtier-eager-thumbnails',
    bucket: { name: bucket, ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: `arn:aws:s3:::${bucket}` },
    object: { key: encodedKey, size: opts.size ?? 1024, eTag: 'd41d8cd98f00b204e9800998ecf8427e', sequencer: '0055AED6DCD90281E5' },
  },
})

/** One PUT, as a whole notification. */
export const objectCreatedEvent = (bucket: string, key: string, size: number) => ({
  Records: [s3Record(bucket, encodeURIComponent(key), { size })],
})
