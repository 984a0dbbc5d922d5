// The ceiling Herald is measured against: a small hand-written Fastify + pg server that answers
// the benchmark's four workloads on Herald's own tables and data with ONE SQL statement each,
// and nothing else (no authentication, no row-level security, no validation beyond parsing,
// no rate limits, no ETags, no events). It connects as the database owner and is told the
// organization to read. Its statements are in bench/baseline-sql.ts; besides the four, a create
// that also writes every row Herald's create writes (POST /items/herald-rows), which the bench
// reports beside the create ratio as the ceiling those rows leave. Run by bench/run.ts as a
// process of its own:
//   DATABASE_URL=… HERALD_BENCH_ORG=… node --import tsx bench/baseline.ts
import Fastify from 'fastify'
import pg from 'pg'
import { CREATE, CREATE_HERALD_ROWS, GET, LIST, NESTED } from './baseline-sql.js'

const env = process.env
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: Number(env.DB_POOL_MAX ?? 10) })
const org = env.HERALD_BENCH_ORG!

const app = Fastify({ logger: false })

app.get<{ Querystring: { campaignId: string, limit?: string } }>('/items', async (req, reply) => {
  const { rows } = await pool.query(LIST, [org, req.query.campaignId, Number(req.query.limit ?? 50)])
  return reply.type('application/json').send(rows[0].page)
})

app.get<{ Params: { id: string } }>('/items/:id', async (req, reply) => {
  const { rows } = await pool.query(GET, [org, req.params.id])
  if (!rows[0]) return await reply.code(404).send({ error: 'not found' })
  return reply.type('application/json').send(rows[0].item)
})

app.post<{ Body: { brandId: string, campaignId?: string, title: string, body?: string, createdBy: string, targets: Array<{ socialAccountId: string }> } }>('/items', async (req, reply) => {
  const b = req.body
  const { rows } = await pool.query(CREATE, [org, b.brandId, b.campaignId ?? null, b.title, b.body ?? '', b.createdBy, b.targets.map((t) => t.socialAccountId)])
  return reply.code(201).type('application/json').send(rows[0].item)
})

app.post<{ Body: { brandId: string, campaignId?: string, title: string, body?: string, createdBy: string, targets: Array<{ socialAccountId: string }> } }>('/items/herald-rows', async (req, reply) => {
  const b = req.body
  const { rows } = await pool.query(CREATE_HERALD_ROWS, [org, b.brandId, b.campaignId ?? null, b.title, b.body ?? '', b.createdBy, b.targets.map((t) => t.socialAccountId), 'bench@example.com', String(req.id)])
  return reply.code(201).type('application/json').send(rows[0].item)
})

app.post('/graphql', async (_req, reply) => {
  const { rows } = await pool.query(NESTED, [org])
  return reply.type('application/json').send(rows[0].body)
})

app.get('/healthz', async () => ({ status: 'ok' }))

const address = await app.listen({ host: '127.0.0.1', port: Number(env.PORT ?? 0) })
console.log(JSON.stringify({ msg: 'baseline listening', address }))
process.on('SIGTERM', () => { app.close().then(async () => await pool.end()).finally(() => process.exit(0)).catch(() => {}) })
