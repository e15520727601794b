import { randomUUID } from 'node:crypto'
import { expect } from 'chai'
import type { Knex } from 'knex'
import { objectionImageRepository, type Database } from '../../../adapters/persistence'
import type { KeysetWindow } from '../../../application/ports/repositories'
import { freshPglite, freshPostgres } from '../../support/database'
import { requirePostgres } from './postgres-only'

const INDEX = 'images_owner_created_id_index'
const OWNERS = 4

interface PlanNode { readonly 'Node Type': string; readonly 'Index Name'?: string; readonly 'Relation Name'?: string; readonly Plans?: readonly PlanNode[] }

const isPlanNode = (u: unknown): u is PlanNode => typeof u === 'object' && u !== null && 'Node Type' in u && typeof u['Node Type'] === 'string'

const nodesOf = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodesOf)]

/** The plan of the SQL the repository really sends (captured, not retyped here). */
const planOf = async (knex: Knex, ownerId: string, window: KeysetWindow): Promise<PlanNode[]> => {
  const sent: { sql: string; bindings: readonly Knex.RawBinding[] }[] = []
  const listen = (q: { sql: string; bindings?: readonly Knex.RawBinding[] }) => sent.push({ sql: q.sql, bindings: q.bindings ?? [] })
  knex.on('query', listen)
  try {
    await objectionImageRepository(knex).listByOwnerKeyset(ownerId, window)()
  } finally {
    knex.removeListener('query', listen)
  }
  const page = sent.find((q) => /select "images"\.\*/i.test(q.sql))
  if (page === undefined) throw new Error(`no page query among ${JSON.stringify(sent.map((q) => q.sql))}`)
  // pg numbers its placeholders; knex.raw wants `?`.
  const result: { rows: { 'QUERY PLAN': unknown }[] } = await knex.raw(`EXPLAIN (FORMAT JSON) ${page.sql.replace(/\$\d+/g, '?')}`, [...page.bindings])
  const plan: unknown = result.rows[0]?.['QUERY PLAN']
  const root: unknown = Array.isArray(plan) ? plan[0]?.Plan : undefined
  if (!isPlanNode(root)) throw new Error(`unexpected plan ${JSON.stringify(plan)}`)
  return nodesOf(root)
}

const fill = async (db: Database, rows: number): Promise<string[]> => {
  const tierId: string = (await db.knex('tiers').where('name', 'Basic').pluck('id'))[0]
  const owners = Array.from({ length: OWNERS }, () => randomUUID())
  await db.knex('users').insert(owners.map((id, i) => ({ id, username: `owner_${i}`, password_hash: 'x', tier_id: tierId, role: 'user' })))
  // One statement: a ms-spaced timeline with a tie every 7th row, spread over the owners.
  await db.knex.raw(
    `INSERT INTO images (id, owner_id, name, format, width, height, bytes, sha256, created_at)
     SELECT gen_random_uuid(), (?::uuid[])[1 + g % ${OWNERS}], 'img ' || g, 'jpeg', 640, 480, 1000 + g,
            md5(g::text) || md5(g::text), timestamptz '2025-01-01' + (g - g % 7) * interval '1 millisecond'
     FROM generate_series(1, ${rows}) AS g`,
    [owners],
  )
  await db.knex.raw('ANALYZE images')
  return owners
}

const assertIndexed = (nodes: readonly PlanNode[]) => {
  const types = nodes.map((n) => `${n['Node Type']}${n['Index Name'] ? ` using ${n['Index Name']}` : ''}`)
  expect(nodes.some((n) => /^Index (Only )?Scan$/.test(n['Node Type']) && n['Index Name'] === INDEX), types.join(' > ')).to.equal(true)
  expect(nodes.filter((n) => n['Node Type'] === 'Seq Scan' || n['Node Type'] === 'Sort' || n['Node Type'] === 'Bitmap Heap Scan'), types.join(' > ')).to.deep.equal([])
}

const explainSuite = (name: string, rows: number, make: (ctx: Mocha.Context) => Promise<Database>) =>
  describe(`keyset listing plan on ${name} (${rows} images)`, function () {
    this.timeout(180_000)
    let db: Database
    let owners: string[]
    let middle: { createdAt: Date; id: string }
    before(async function () {
      db = await make(this)
      owners = await fill(db, rows)
      const row = await db.knex('images').where('owner_id', owners[1]).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).offset(rows / OWNERS / 2).first()
      middle = { createdAt: row.created_at, id: row.id }
    })
    after(async () => db?.close())

    it('walks the (owner_id, created_at desc, id desc) index for the first page', async () => {
      assertIndexed(await planOf(db.knex, owners[1]!, { limit: 20 }))
    })
    it('and for a next page (row-value comparison)', async () => {
      assertIndexed(await planOf(db.knex, owners[1]!, { limit: 20, after: middle }))
    })
    it('and for a previous page (the same index, backwards)', async () => {
      assertIndexed(await planOf(db.knex, owners[1]!, { limit: 20, before: middle }))
    })
  })

explainSuite('Postgres', 200_000, (ctx) => requirePostgres(ctx, freshPostgres))
// PGlite fills 200 000 rows in ~18 s of WASM on a busy 2-core machine; 50 000 give the
// planner the same choice (a seq scan + sort is already far dearer) in a quarter of it.
explainSuite('PGlite', 50_000, () => freshPglite())
