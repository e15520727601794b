import type * as TE from 'fp-ts/TaskEither'
import type { BlobNotFound, ImageTooManyPixels, ImageUnreadable, InfrastructureFailure, RenderFailed, UnsupportedImageFormat } from '../../domain/errors'
import type { ImageFormat } from '../../domain/image'

type Infra = InfrastructureFailure

export interface Blob {
  readonly bytes: Buffer
  readonly contentType: string
}

/** A blob to send as it is read: memory stays flat however large or popular it is. */
export interface BlobStream {
  /** Read once. The HTTP layer ends it with the response, read or not (HEAD). */
  readonly body: AsyncIterable<Uint8Array>
  /** The same bytes, when they are already in memory (a cache hit): sent without a stream. */
  readonly whole?: Uint8Array
  readonly length: number
  readonly contentType: string
}

/**
 * One namespace of bytes (originals, or thumbnails). Keys are opaque, '/'-separated.
 * Every adapter passes test/contract/blob-storage.contract.ts.
 */
export interface BlobStorage {
  put(key: string, bytes: Buffer, contentType: string, options?: PutOptions): TE.TaskEither<Infra, void>
  get(key: string): TE.TaskEither<BlobNotFound | Infra, Blob>
  /** The same bytes as `get`, streamed, with their length known before the first byte. */
  open(key: string): TE.TaskEither<BlobNotFound | Infra, BlobStream>
  exists(key: string): TE.TaskEither<Infra, boolean>
  /** When the blob was last written (the reconciler spares young blobs: uploads in flight). */
  modifiedAt(key: string): TE.TaskEither<BlobNotFound | Infra, Date>
  /** Idempotent: deleting a missing key succeeds. */
  delete(key: string): TE.TaskEither<Infra, void>
  /** Removes every key starting with prefix; returns how many. */
  deletePrefix(prefix: string): TE.TaskEither<Infra, number>
  list(prefix: string): TE.TaskEither<Infra, readonly string[]>
  /** Liveness of the backing store, for /readyz. */
  ping(): TE.TaskEither<Infra, void>
  /**
   * A URL that serves the key without credentials for `expiresInSeconds`
   * (redirect delivery). Absent on stores that cannot (the filesystem).
   */
  readonly presignGet?: (key: string, expiresInSeconds: number, headers: PresignHeaders) => TE.TaskEither<Infra, string>
  /**
   * Removes the partial files a crash left mid-write, last written before `before`;
   * returns how many. Absent on stores whose writes leave nothing behind (S3 puts
   * are atomic).
   */
  readonly removeTemporaries?: (before: Date) => TE.TaskEither<Infra, number>
  /**
   * Writes the bytes durably where no read, list or exists sees them, so the write can
   * run while the bytes are still being judged; `commit` then makes them the blob at
   * `key`, as `put` would have, and `discard` leaves nothing behind. What a crash leaves
   * staged is a partial file for `removeTemporaries`. Absent on stores whose `put` is
   * already one atomic step (S3): `stageBlob` (application/stage-blob.ts) then defers
   * their `put` to `commit`.
   */
  readonly stage?: (key: string, bytes: Buffer, contentType: string, options?: PutOptions) => TE.TaskEither<Infra, StagedBlob>
}

/** Bytes written out of sight under one key, waiting to be made visible or thrown away. */
export interface StagedBlob {
  /** Makes the staged bytes the blob at their key. Once only, and never after `discard`. */
  commit(): TE.TaskEither<Infra, void>
  /** Removes the staged bytes; nothing is left behind. */
  discard(): TE.TaskEither<Infra, void>
}

declare const storageRole: unique symbol

/**
 * Originals and thumbnails are both BlobStorage, in different roles. The optional,
 * never-set role tag makes the compiler keep them apart: a store labelled for one role
 * is not accepted in the other (any unlabelled adapter fits either).
 */
export type OriginalStorage = BlobStorage & { readonly [storageRole]?: 'originals' }
export type ThumbnailStorage = BlobStorage & { readonly [storageRole]?: 'thumbnails' }

export interface PutOptions {
  /**
   * Thumbnail heights worth rendering as soon as an original lands. S3 keeps them as
   * object metadata, which the event-driven Lambda reads; other stores ignore them.
   */
  readonly eagerThumbnailHeights?: readonly number[]
}

export interface PresignHeaders {
  /** The method the URL will be used with: it is part of the signature (HEAD needs its own). */
  readonly method?: 'GET' | 'HEAD'
  readonly contentType: string
  readonly cacheControl: string
  readonly contentDisposition?: string
}

export interface RenderRequest {
  readonly originalKey: string
  readonly height: number
  readonly format: ImageFormat
  readonly thumbnailKey: string
  /**
   * The original's displayed size (after EXIF orientation), when the caller knows it (the
   * image row does): an in-process render then skips reading the header a second time.
   * Not sent to the Lambda, which reads the header itself.
   */
  readonly displayed?: { readonly width: number; readonly height: number }
}

export interface RenderResult {
  readonly thumbnailKey: string
  readonly width: number
  readonly height: number
  readonly bytes: number
}

/** An original already read, ready to be rendered: nothing rendered or stored yet. */
export interface PreparedRender {
  render(): TE.TaskEither<RenderFailed | Infra, RenderResult>
}

/**
 * Reads an original, writes its thumbnail of one height into thumbnail storage.
 * In-process (sharp) or remote (Lambda): both pass the same contract.
 */
export interface ThumbnailRenderer {
  render(req: RenderRequest): TE.TaskEither<RenderFailed | BlobNotFound | Infra, RenderResult>
  /**
   * The same render in two steps, where this process reads the original itself: the read
   * now, the render when asked. A caller reads while it claims the render, so the claim's
   * round trip overlaps the read; a lost claim drops what was read. Absent where the
   * original is read elsewhere (the Lambda): `render` is the one step there.
   */
  readonly prepare?: (req: RenderRequest) => TE.TaskEither<BlobNotFound | Infra, PreparedRender>
}

export interface InspectedImage {
  readonly format: ImageFormat
  /** Displayed size, after EXIF orientation. */
  readonly width: number
  readonly height: number
}

/**
 * Decides whether uploaded bytes are a whole, decodable JPEG or PNG of acceptable
 * size. The pixel count is checked from the header, before any pixel is decoded.
 */
export interface ImageInspector {
  inspect(bytes: Buffer, limits: { readonly maxPixels: number }): TE.TaskEither<InspectError, InspectedImage>
  /**
   * The same judgement in two steps: the header now (format, size, pixel count: the cheap
   * refusals), the decode when asked. An upload writes its original aside while it is
   * decoded, and writes nothing for bytes their header refuses. Absent where the header
   * is all that is judged (the memory inspector): `inspect` is the one step there.
   */
  readonly readHeader?: (bytes: Buffer, limits: { readonly maxPixels: number }) => TE.TaskEither<InspectError, HeaderAccepted>
}

export type InspectError = UnsupportedImageFormat | ImageUnreadable | ImageTooManyPixels

/** Bytes whose header passed: what it says, and the decode that must prove the rest. */
export interface HeaderAccepted {
  readonly image: InspectedImage
  /** Decodes every byte (at reduced size): ImageUnreadable when they do not all decode. */
  decode(): TE.TaskEither<ImageUnreadable, void>
}
