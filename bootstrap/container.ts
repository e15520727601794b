import 'reflect-metadata'
import { Container } from 'inversify'
import { bindUseCases, type UseCaseDeps, type UseCases } from '../application/bound-use-cases'

declare const serves: unique symbol

/**
 * A service identifier that carries the type it serves. inversify's own identifiers are
 * bare symbols, so a value of the wrong type would bind silently; this one makes `bind`
 * and `get` agree with it, or tsc says no.
 */
export type Token<T> = symbol & { readonly [serves]?: T }

export const DEPS: Token<UseCaseDeps> = Symbol('UseCaseDeps')
export const USE_CASES: Token<UseCases> = Symbol('UseCases')

export const bindValue = <T>(c: Container, id: Token<T>, value: T): void => { c.bind<T>(id).toConstantValue(value) }
export const resolve = <T>(c: Container, id: Token<T>): T => c.get<T>(id)

/**
 * The one container: the dependencies object (a literal the compiler checks field by field,
 * see bootstrap/ports.ts), and the use-cases bound to it. Nothing outside bootstrap/ knows
 * inversify exists.
 */
export const buildContainer = (deps: UseCaseDeps): Container => {
  const c = new Container({ defaultScope: 'Singleton' })
  bindValue(c, DEPS, deps)
  bindValue(c, USE_CASES, bindUseCases(deps))
  return c
}
