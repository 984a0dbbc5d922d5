import t from 'tap'
import { bearer, createTestApp, json } from '../helper.js'
import { createBrand, signup } from '../factories.js'
import { campaign, createItem, socialAccount } from '../factories-content.js'
import { receiver } from '../webhook-receiver.js'
import { CREATE_HERALD_ROWS } from '../../bench/baseline-sql.js'

// `npm run bench` reports, beside the create ratio, the hand-written server's create writing
// "every row Herald writes" in one statement (bench/baseline-sql.ts): the ceiling those rows
// leave a create. That claim holds only while the statement writes what Herald's create writes:
// the same tables, the same number of rows in each. A change to either that breaks it fails here.

/** Rows in every table of the database's own schemas (Herald's and graphile-worker's). */
async function rowCounts (sql: (text: string) => Promise<Array<Record<string, unknown>>>): Promise<Record<string, number>> {
  const tables = await sql(`SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
    WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`)
  const rows = await sql(tables.map(({ name }) => `SELECT '${String(name)}' AS name, count(*)::int AS n FROM ${String(name)}`).join(' UNION ALL '))
  return Object.fromEntries(rows.map((r) => [r.name as string, r.n as number]))
}

const delta = (before: Record<string, number>, after: Record<string, number>) =>
  Object.fromEntries(Object.keys(after).filter((k) => after[k] !== before[k]).map((k) => [k, after[k] - before[k]]))

t.test("the bench's hand-written create writing Herald's rows writes the rows Herald's create writes", async (t) => {
  const rx = await receiver(t)
  const h = await createTestApp(t, { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_NETWORKS: '127.0.0.0/8' })
  const a = await signup(h, 'bench-rows')
  const brand = await createBrand(h, a)
  const x = await socialAccount(h, a.orgId, brand.id)
  const li = await socialAccount(h, a.orgId, brand.id, 'linkedin')
  const camp = await campaign(h, a.orgId, brand.id)
  // A subscription that matches: the owed delivery is one of the rows compared.
  const hook = await h.inject({ method: 'POST', url: '/v1/webhooks', headers: bearer(a.token), payload: { url: rx.url, eventTypes: ['content_item.*'] } })
  t.equal(hook.statusCode, 201, 'a webhook subscription for content items')

  // graphile-worker registers a task name with its first job (a row of _private_tasks, once per
  // database): a first create makes it, so what is compared is what every create writes.
  const item0 = { brandId: brand.id, campaignId: camp, title: 'First', kind: 'post', body: 'A post', targets: [{ socialAccountId: x }] }
  await createItem(h, a, item0)
  const before = await rowCounts(h.sql)
  const item = await createItem(h, a, { brandId: brand.id, campaignId: camp, title: 'Through Herald', kind: 'post', body: 'A post', targets: [{ socialAccountId: x }, { socialAccountId: li }] })
  const afterHerald = await rowCounts(h.sql)
  const [written] = await h.sql(CREATE_HERALD_ROWS, [a.orgId, brand.id, camp, 'Hand-written', 'A post', a.membershipId, [x, li], a.email, 'bench-request'])
  const afterBaseline = await rowCounts(h.sql)

  const herald = delta(before, afterHerald)
  t.match(herald, { 'public.content_items': 1, 'public.content_targets': 2, 'public.content_revisions': 1, 'public.events': 1, 'public.webhook_deliveries': 1 },
    "Herald's create wrote the item, its two targets, a revision, an event and the delivery owed")
  t.same(delta(afterHerald, afterBaseline), herald, 'the hand-written statement: the same tables, the same number of rows in each')
  t.equal(written.item.title, 'Hand-written', 'and it answers with the item it wrote')

  const [ours, theirs] = await h.sql(`SELECT e.type, e.subject_type, e.actor_type, r.revision, r.changed, jsonb_typeof(e.data -> 'contentItem') AS data, d.event_type
    FROM events e JOIN content_revisions r ON r.content_item_id = e.subject_id JOIN webhook_deliveries d ON d.event_id = e.id
    WHERE e.subject_id = ANY($1) ORDER BY e.seq`, [[item.id, written.item.id]])
  t.same(theirs, ours, 'its revision, event and delivery say what Herald writes in them')
  t.equal(json(await h.inject({ method: 'GET', url: `/v1/content-items/${written.item.id as string}`, headers: bearer(a.token) })).title, 'Hand-written', 'an item Herald reads as its own')
})
