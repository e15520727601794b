/**
 * Compiled by `tsc` (npm test), never run: each `@ts-expect-error` below is a wiring
 * mistake the compiler must refuse. Should one start to compile, tsc fails on the unused
 * directive, so the proof cannot rot silently.
 */
import type { Ports } from '../../application/bound-use-cases'
import type { OriginalStorage, ThumbnailStorage } from '../../application/ports/blobs'
import { bindValue, DEPS, USE_CASES, type Token } from '../../bootstrap/container'
import type { Resources } from '../../bootstrap/resources'
import type { Container } from 'inversify'

declare const ports: Ports
declare const resources: Resources
declare const container: Container

export const swappedStores: Ports = {
  ...ports,
  // @ts-expect-error originals and thumbnails are both BlobStorage, but not interchangeable
  originals: ports.thumbnails,
  // @ts-expect-error the same swap, the other way round
  thumbnails: ports.originals,
}

export const swappedFromResources: Pick<Resources, 'originals' | 'thumbnails'> = {
  // @ts-expect-error a thumbnail store labelled at start-up cannot become the originals
  originals: resources.thumbnails,
  // @ts-expect-error nor the other way round
  thumbnails: resources.originals,
}

export const swappedRuntime: Ports = {
  ...ports,
  // @ts-expect-error the clock is no id generator
  clock: ports.ids,
  // @ts-expect-error nor the id generator a clock
  ids: ports.clock,
}

const { renderer: _forgotten, ...withoutRenderer } = ports
// @ts-expect-error a forgotten port
export const incomplete: Ports = withoutRenderer

// @ts-expect-error a token serves one type: the use-cases are not the dependencies
bindValue(container, DEPS, {} as ReturnType<typeof import('../../application/bound-use-cases').bindUseCases>)
// @ts-expect-error nor the other way round
export const wrongToken: Token<Ports> = USE_CASES

// What must keep compiling: an unlabelled adapter fits either role.
declare const anyStore: import('../../application/ports/blobs').BlobStorage
export const fits: { o: OriginalStorage; t: ThumbnailStorage } = { o: anyStore, t: anyStore }
