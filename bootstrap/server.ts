/**
 * `imgtier/server`: the whole service from a config (createImgtier: the core plus the
 * Koa edge), or the core alone (createCore), and the Koa app for a server of your own.
 */
export { loadConfig, type Config } from './config'
export { createCore, type ConfiguredCore, type ConfiguredCoreOptions, type Core, type CoreOptions, type PortsSource } from './core'
export { createImgtier, type Imgtier, type Overrides } from './imgtier'
export { createHttpApp, type HttpApp, type HttpDeps, type HttpSettings } from '../adapters/http'
