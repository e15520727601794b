/** `imgtier/adapters/http`: the Koa app that drives the `UseCases` record. */
export { createHttpApp, type HttpApp } from './app'
export type { HttpDeps, HttpSettings, ReadinessCheck } from './api'
export { openApiDocument } from './openapi/document'
