import * as t from 'io-ts'

/**
 * The parts of an S3 event notification this function reads. The real record carries
 * much more (eventTime, userIdentity, ...): t.type lets the rest through unread.
 */
export const S3EventRecord = t.type({
  eventSource: t.literal('aws:s3'),
  eventName: t.string,
  s3: t.type({
    bucket: t.type({ name: t.string }),
    object: t.type({ key: t.string }),
  }),
})
export type S3EventRecord = t.TypeOf<typeof S3EventRecord>

export const S3Event = t.type({ Records: t.array(S3EventRecord) }, 'S3Event')

/** Keys in S3 events are URL-encoded form style: '+' is a space, '%2B' a plus. */
export const decodeEventKey = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '))

export { THUMBNAIL_HEIGHTS_METADATA } from '../adapters/thumbnails/lambda-protocol'
