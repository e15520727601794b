/**
 * The layer rule of DESIGN.md §1 as a checked fact (npm test: test/architecture/layers.test.ts).
 * Type-only imports count: a port that names an adapter's type is still coupled to it.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const FP = 'node_modules/(fp-ts|io-ts)/'
/** Every shipped or run source: the layers, the test kit, the CLI and build scripts, the console, root files. */
const SOURCES = '^(domain|application|adapters|bootstrap|lambda|testing|bin|scripts|console)/|^[^/]+\\.(ts|js|cjs)$'

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'A cycle makes load order matter and layers meaningless.', from: {}, to: { circular: true } },
    {
      name: 'domain-is-pure', severity: 'error',
      comment: 'domain/ imports only itself, fp-ts and io-ts: no Node module, no library, no other layer.',
      from: { path: '^domain/' },
      to: { pathNot: [`^domain/`, FP] },
    },
    {
      name: 'application-is-pure', severity: 'error',
      comment: 'application/ imports only domain/, itself, fp-ts and io-ts.',
      from: { path: '^application/' },
      to: { pathNot: ['^(domain|application)/', FP] },
    },
    {
      name: 'adapters-stay-inside', severity: 'error',
      comment: 'Adapters implement ports: they never reach into the composition root, the Lambda or the test kit.',
      from: { path: '^adapters/' },
      to: { path: '^(bootstrap|lambda|testing|bin|scripts)/' },
    },
    {
      name: 'adapters-through-the-front-door', severity: 'error',
      comment: "One adapter family uses another only through its index (its public face), never its internals.",
      from: { path: '^adapters/([^/]+)/' },
      to: { path: '^adapters/[^/]+/', pathNot: ['^adapters/$1/', '^adapters/[^/]+/index\\.ts$'] },
    },
    {
      name: 'only-bootstrap-knows-the-container', severity: 'error',
      comment: 'inversify (and its Reflect polyfill) belong to the composition root alone.',
      from: { path: SOURCES, pathNot: '^bootstrap/' },
      to: { path: 'node_modules/(inversify|reflect-metadata|@inversifyjs)/' },
    },
    {
      name: 'infrastructure-libraries-in-adapters', severity: 'error',
      comment: 'Koa, knex/objection/pg, the AWS SDK, sharp and jsonwebtoken are touched by adapters only.',
      from: { path: '^(domain|application|testing)/' },
      to: { path: 'node_modules/(koa|@koa/|knex|objection|pg|@electric-sql/|@aws-sdk/|sharp|jsonwebtoken)' },
    },
    {
      name: 'testing-uses-public-faces', severity: 'error',
      comment: 'imgtier/testing is shipped: it builds on the adapter families\' indexes, never bootstrap/.',
      from: { path: '^testing/' },
      to: { path: '^(bootstrap|lambda)/|^adapters/[^/]+/(?!index\\.ts$)', pathNot: '^adapters/memory/' },
    },
    {
      name: 'sources-never-import-tests', severity: 'error',
      comment: 'Nothing shipped depends on test/ or bench/.',
      from: { path: SOURCES },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|var|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['require', 'node', 'default', 'types'] },
  },
}
