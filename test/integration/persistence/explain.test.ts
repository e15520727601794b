import { randomUUID } from 'node:crypto'
import { expect } from 'chai'
import type { Knex } from 'knex'
import { objectionImageRepository, type Database } from '../../../adapters/persistence'
import type { ImageRepository, KeysetWindow } from '../../../application/ports/repositories'
import { freshPglite, freshPostgres } from '../../support/database'
import { requirePostgres } from './postgres-only'

const INDEX = 'images_owner_created_id_index'
const OWNERS = 4

interface PlanNode { readonly 'Node Type': string; readonly 'Index Name'?: string; readonly 'Relation Name'?: string; readonly Plans?: readonly PlanNode[] }

const isPlanNode = (u: unknown): u is PlanNode => typeof u === 'object' && u !== null && 'Node Type' in u && typeof u['Node Type'] === 'string'

const nodesOf = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodesOf)]

interface SentQuery { readonly sql: string; readonly bindings: readonly Knex.RawBinding[] }

/** Every query a listing really sends (captured, not retyped here). */
const sentBy = async (knex: Knex, list: (repo: ImageRepository) => Promise<unknown>): Promise<SentQuery[]> => {
  const sent: SentQuery[] = []
  const listen = (q: { sql: string; bindings?: readonly Knex.RawBinding[] }) => sent.push({ sql: q.sql, bindings: q.bindings ?? [] })
  knex.on('query', listen)
  try {
    await list(objectionImageRepository(knex))
  } finally {
    knex.removeListener('query', listen)
  }
  return sent
}

const planOfQuery = async (knex: Knex, q: SentQuery): Promise<PlanNode[]> => {
  // pg numbers its placeholders; knex.raw wants `?`.
  const result: { rows: { 'QUERY PLAN': unknown }[] } = await knex.raw(`EXPLAIN (FORMAT JSON) ${q.sql.replace(/\$\d+/g, '?')}`, [...q.bindings])
  const plan: unknown = result.rows[0]?.['QUERY PLAN']
  const root: unknown = Array.isArray(plan) ? plan[0]?.Plan : undefined
  if (!isPlanNode(root)) throw new Error(`unexpected plan ${JSON.stringify(plan)}`)
  return nodesOf(root)
}

/** The plan of the keyset page query the repository really sends. */
const planOf = async (knex: Knex, ownerId: string, window: KeysetWindow): Promise<PlanNode[]> => {
  const sent = await sentBy(knex, (repo) => repo.listByOwnerKeyset(ownerId, window)())
  // The page query: the one that reads `images` in the newest-first order (the count is a subquery of it).
  const page = sent.find((q) => /from "images" .*order by "created_at"/i.test(q.sql))
  if (page === undefined) throw new Error(`no page query among ${JSON.stringify(sent.map((q) => q.sql))}`)
  return planOfQuery(knex, page)
}

/** The plans of every query one listing sends. */
const plansOf = async (knex: Knex, list: (repo: ImageRepository) => Promise<unknown>): Promise<PlanNode[][]> =>
  Promise.all((await sentBy(knex, list)).map((q) => planOfQuery(knex, q)))

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

const describePlan = (nodes: readonly PlanNode[]) =>
  nodes.map((n) => `${n['Node Type']}${n['Relation Name'] ? ` on ${n['Relation Name']}` : ''}${n['Index Name'] ? ` using ${n['Index Name']}` : ''}`).join(' > ')

const assertIndexed = (nodes: readonly PlanNode[]) => {
  expect(nodes.some((n) => /^Index (Only )?Scan$/.test(n['Node Type']) && n['Index Name'] === INDEX), describePlan(nodes)).to.equal(true)
  assertNoScanOfOwnerRows(nodes)
}

/**
 * The owner's rows are reached only through the listing index, a page at a time: no
 * other scan of `images`, no sort, no aggregate or window over them (the count comes
 * from image_counts, which is small and may be read any way the planner likes).
 */
const assertNoScanOfOwnerRows = (nodes: readonly PlanNode[]) => {
  const onImages = nodes.filter((n) => n['Relation Name'] === 'images')
  expect(onImages.filter((n) => !(/^Index (Only )?Scan$/.test(n['Node Type']) && n['Index Name'] === INDEX)), describePlan(nodes)).to.deep.equal([])
  expect(nodes.filter((n) => ['Sort', 'Aggregate', 'WindowAgg', 'Bitmap Heap Scan'].includes(n['Node Type'])), describePlan(nodes)).to.deep.equal([])
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
    it('counts without scanning the owner\'s rows, on keyset and offset pages', async () => {
      const owner = owners[1]!
      const lists: ((repo: ImageRepository) => Promise<unknown>)[] = [
        (repo) => repo.listByOwnerKeyset(owner, { limit: 20 })(),
        (repo) => repo.listByOwnerKeyset(owner, { limit: 20, after: { createdAt: new Date(0), id: owner } })(), // past the end
        (repo) => repo.listByOwner(owner, { limit: 20, offset: 0 })(),
      ]
      for (const list of lists) {
        const plans = await plansOf(db.knex, list)
        expect(plans.length).to.be.within(1, 2)
        for (const plan of plans) assertNoScanOfOwnerRows(plan)
      }
    })
    it('and past the end of an offset listing, where only the offset walk is left (a cursor avoids it)', async () => {
      const plans = await plansOf(db.knex, (repo) => repo.listByOwner(owners[1]!, { limit: 20, offset: rows })())
      expect(plans).to.have.length(2)
      for (const plan of plans) expect(plan.filter((n) => ['Aggregate', 'WindowAgg'].includes(n['Node Type'])), describePlan(plan)).to.deep.equal([])
      expect(plans[1]!.filter((n) => n['Relation Name'] === 'images'), describePlan(plans[1]!)).to.deep.equal([])
    })
  })

explainSuite('Postgres', 200_000, (ctx) => requirePostgres(ctx, freshPostgres))
// PGlite fills 200 000 rows in ~18 s of WASM on a busy 2-core machine; 50 000 give the
// planner the same choice (a seq scan + sort is already far dearer) in a quarter of it.
explainSuite('PGlite', 50_000, () => freshPglite())
