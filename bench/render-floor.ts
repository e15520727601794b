/**
 * How close to bare sharp any first render can come on this machine: the steps a first
 * render must take, written plainly with pg, node:fs and sharp (no imgtier code), timed
 * against bare sharp on the same bytes, alternating. The steps: look the image row up,
 * look for the thumbnail (a miss), claim the render while reading the original, render,
 * write the thumbnail aside and rename it into place. Run on purpose, beside `npm run bench`:
 *   node -r @swc-node/register bench/render-floor.ts     (DATABASE_URL, else the local Postgres)
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { promises as fs, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import sharp from 'sharp'
import { makeGrainyJpeg } from '../test/support/images'
import { bareRender, median } from './harness/yardsticks'

const RENDERS = 40

const main = async () => {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', max: 10 })
  const suffix = randomBytes(4).toString('hex')
  const [images, claims] = [`render_floor_images_${suffix}`, `render_floor_claims_${suffix}`]
  const dir = mkdtempSync(path.join(tmpdir(), 'imgtier-render-floor-'))
  try {
    await pool.query(`CREATE TABLE ${images} (id uuid PRIMARY KEY, owner_id uuid NOT NULL, format text NOT NULL, width int NOT NULL, height int NOT NULL)`)
    await pool.query(`CREATE UNLOGGED TABLE ${claims} (image_id uuid, height int, expires_at timestamptz, PRIMARY KEY (image_id, height))`)
    const photo = await makeGrainyJpeg({ width: 1920, height: 1080 })
    const owner = randomUUID()
    const ids: string[] = []
    for (let i = 0; i <= RENDERS; i++) {
      const id = randomUUID()
      await pool.query(`INSERT INTO ${images} VALUES ($1, $2, 'jpeg', 1920, 1080)`, [id, owner])
      writeFileSync(path.join(dir, id), photo)
      ids.push(id)
    }
    const bare = () => bareRender(photo)
    const steps = new Map<string, number[]>()
    const reached = (step: string, t0: number) => steps.set(step, [...(steps.get(step) ?? []), performance.now() - t0])
    const plain = async (id: string): Promise<number> => {
      const t0 = performance.now()
      await pool.query(`SELECT id, owner_id, format, width, height FROM ${images} WHERE id = $1 AND owner_id = $2`, [id, owner])
      reached('image row', t0)
      await fs.stat(path.join(dir, `${id}-200`)).catch(() => undefined)
      reached('thumbnail looked for (miss)', t0)
      const [, original] = await Promise.all([
        pool.query(`INSERT INTO ${claims} VALUES ($1, 200, clock_timestamp() + interval '2 s') ON CONFLICT DO NOTHING RETURNING image_id`, [id]),
        fs.readFile(path.join(dir, id)),
      ])
      reached('claimed, original read', t0)
      const out = await sharp(original, { failOn: 'error', autoOrient: true })
        .resize({ width: 356, height: 200, fit: 'fill' }).toColourspace('srgb').jpeg({ quality: 82 }).toBuffer()
      reached('rendered', t0)
      const aside = path.join(dir, `${id}-200.tmp`)
      const handle = await fs.open(aside, 'wx')
      await handle.writev([Buffer.from('image/jpeg\n'), out])
      await handle.close()
      await fs.rename(aside, path.join(dir, `${id}-200`))
      reached('stored', t0)
      return performance.now() - t0
    }
    await bare()
    await plain(ids[0] ?? '')
    steps.clear()
    const [bareMs, plainMs]: number[][] = [[], []]
    for (const id of ids.slice(1)) {
      const t0 = performance.now()
      await bare()
      bareMs.push(performance.now() - t0)
      plainMs.push(await plain(id))
    }
    console.log(`first render written plainly vs bare sharp, p50 of ${RENDERS} alternating:`)
    for (const [step, at] of steps) console.log(`  ${step.padEnd(28)} at ${median(at).toFixed(2)} ms`)
    console.log(`  plain ${median(plainMs).toFixed(2)} ms, bare sharp ${median(bareMs).toFixed(2)} ms: ${(median(plainMs) / median(bareMs)).toFixed(2)}×`)
    const unstored = steps.get('rendered') ?? []
    console.log(`  answered before the store (as imgtier's write-behind does): ${(median(unstored) / median(bareMs)).toFixed(2)}×`)
  } finally {
    await pool.query(`DROP TABLE IF EXISTS ${images}, ${claims}`).catch(() => undefined)
    await pool.end()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
