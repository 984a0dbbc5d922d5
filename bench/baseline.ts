// The ceiling Herald is measured against: a small hand-written Fastify + pg server that answers
// the benchmark's four workloads on Herald's own tables and data with ONE SQL statement each,
// and nothing else (no authentication, no row-level security, no validation beyond parsing,
// no rate limits, no ETags, no events). It connects as the database owner and is told the
// organization to read. Run by bench/run.ts as a process of its own:
//   DATABASE_URL=… HERALD_BENCH_ORG=… node --import tsx bench/baseline.ts
import Fastify from 'fastify'
import pg from 'pg'

const env = process.env
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: Number(env.DB_POOL_MAX ?? 10) })
const org = env.HERALD_BENCH_ORG!

// The same JSON shape Herald answers with, built by PostgreSQL.
const ITEM_JSON = `json_build_object(
  'id', i.id, 'brandId', i.brand_id, 'campaignId', i.campaign_id, 'title', i.title, 'kind', i.kind,
  'body', i.body, 'media', i.media, 'link', i.link, 'hashtags', i.hashtags, 'firstComment', i.first_comment,
  'labels', i.labels, 'assigneeId', i.assignee_id,
  'targets', coalesce((SELECT json_agg(json_build_object('id', t.id, 'socialAccountId', t.social_account_id, 'platform', a.platform,
      'position', t.position, 'body', t.body, 'media', t.media, 'firstComment', t.first_comment) ORDER BY t.position)
    FROM content_targets t JOIN social_accounts a ON a.id = t.social_account_id WHERE t.content_item_id = i.id), '[]'),
  'status', i.status, 'revision', i.revision,
  'scheduledAt', to_char(i.scheduled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'scheduledLocal', i.scheduled_local, 'timeZone', i.schedule_time_zone, 'scheduleBasis', i.schedule_basis,
  'createdBy', json_build_object('type', i.created_by_type, 'id', i.created_by_id), 'version', i.version,
  'createdAt', to_char(i.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'updatedAt', to_char(i.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`

const LIST = `SELECT json_build_object('data', coalesce(json_agg(item ORDER BY created_at DESC, id DESC), '[]'), 'nextCursor', NULL) AS page
  FROM (SELECT ${ITEM_JSON} AS item, i.created_at, i.id FROM content_items i
         WHERE i.organization_id = $1 AND i.campaign_id = $2 ORDER BY i.created_at DESC, i.id DESC LIMIT $3) p`

const GET = `SELECT ${ITEM_JSON} AS item FROM content_items i WHERE i.organization_id = $1 AND i.id = $2`

const CREATE = `WITH item AS (
    INSERT INTO content_items (organization_id, brand_id, campaign_id, title, kind, body, created_by_type, created_by_id)
    VALUES ($1, $2, $3, $4, 'post', $5, 'member', $6) RETURNING *),
  targets AS (
    INSERT INTO content_targets (organization_id, content_item_id, social_account_id, position)
    SELECT $1, item.id, t.account, t.ord - 1 FROM item, unnest($7::uuid[]) WITH ORDINALITY AS t(account, ord) RETURNING 1)
  SELECT (SELECT json_build_object('id', id, 'title', title, 'status', status, 'version', version) FROM item) AS item, (SELECT count(*) FROM targets) AS targets`

// campaigns(first: 10) → contentItems(first: 20) → approval → decisions, as one statement.
const NESTED = `SELECT json_build_object('data', json_build_object('campaigns', json_build_object('edges', coalesce(json_agg(json_build_object('node', json_build_object(
    'name', c.name,
    'contentItems', json_build_object('edges', (SELECT coalesce(json_agg(json_build_object('node', json_build_object(
        'title', i.title,
        'approval', (SELECT json_build_object('status', r.status, 'decisions', coalesce((SELECT json_agg(json_build_object('decision', d.decision,
              'createdAt', to_char(d.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) ORDER BY d.created_at, d.id)
            FROM approval_decisions d WHERE d.request_id = r.id), '[]'))
          FROM approval_requests r WHERE r.content_item_id = i.id ORDER BY r.created_at DESC, r.id DESC LIMIT 1)
      )) ORDER BY i.created_at DESC, i.id DESC), '[]')
      FROM (SELECT * FROM content_items WHERE campaign_id = c.id ORDER BY created_at DESC, id DESC LIMIT 20) i))
  )) ORDER BY c.created_at DESC, c.id DESC), '[]')))) AS body
  FROM (SELECT * FROM campaigns WHERE organization_id = $1 ORDER BY created_at DESC, id DESC LIMIT 10) c`

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

app.post('/graphql', async (_req, reply) => {
  const { rows } = await pool.query(NESTED, [org])
  return reply.type('application/json').send(rows[0].body)
})

app.get('/healthz', async () => ({ status: 'ok' }))

const address = await app.listen({ host: '127.0.0.1', port: Number(env.PORT ?? 0) })
console.log(JSON.stringify({ msg: 'baseline listening', address }))
process.on('SIGTERM', () => { app.close().then(async () => await pool.end()).finally(() => process.exit(0)).catch(() => {}) })
