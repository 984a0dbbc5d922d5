// The hand-written server's statements (bench/baseline.ts), one for each workload: apart from
// the server so that a test (test/foundation/bench-baseline.test.ts) can run them against Herald's
// tables and hold the comparison to what it says.

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

export const LIST = `SELECT json_build_object('data', coalesce(json_agg(item ORDER BY created_at DESC, id DESC), '[]'), 'nextCursor', NULL) AS page
  FROM (SELECT ${ITEM_JSON} AS item, i.created_at, i.id FROM content_items i
         WHERE i.organization_id = $1 AND i.campaign_id = $2 ORDER BY i.created_at DESC, i.id DESC LIMIT $3) p`

export const GET = `SELECT ${ITEM_JSON} AS item FROM content_items i WHERE i.organization_id = $1 AND i.id = $2`

export const CREATE = `WITH item AS (
    INSERT INTO content_items (organization_id, brand_id, campaign_id, title, kind, body, created_by_type, created_by_id)
    VALUES ($1, $2, $3, $4, 'post', $5, 'member', $6) RETURNING *),
  targets AS (
    INSERT INTO content_targets (organization_id, content_item_id, social_account_id, position)
    SELECT $1, item.id, t.account, t.ord - 1 FROM item, unnest($7::uuid[]) WITH ORDINALITY AS t(account, ord) RETURNING 1)
  SELECT (SELECT json_build_object('id', id, 'title', title, 'status', status, 'version', version) FROM item) AS item, (SELECT count(*) FROM targets) AS targets`

// The same create, writing every row Herald's create writes, still as one statement: the item
// and its targets, revision 1 (the snapshot of what was set), the content_item.created event
// (the item as data), the deliveries owed to matching webhook subscriptions and the job that sends
// each (none in the bench, whose seed has no subscription). Not a target of
// its own: it measures how much of the create ratio those rows alone take (bench/request-path.ts).
export const CREATE_HERALD_ROWS = `WITH item AS (
    INSERT INTO content_items (organization_id, brand_id, campaign_id, title, kind, body, created_by_type, created_by_id)
    VALUES ($1, $2, $3, $4, 'post', $5, 'member', $6) RETURNING *),
  targets AS (
    INSERT INTO content_targets (organization_id, content_item_id, social_account_id, position)
    SELECT $1, item.id, t.account, t.ord - 1 FROM item, unnest($7::uuid[]) WITH ORDINALITY AS t(account, ord)
    RETURNING social_account_id, position),
  snapshot AS (
    SELECT item.*, jsonb_build_object('campaignId', item.campaign_id, 'title', item.title, 'kind', item.kind, 'body', item.body,
      'media', item.media, 'link', item.link, 'hashtags', item.hashtags, 'firstComment', item.first_comment, 'labels', item.labels,
      'assigneeId', item.assignee_id, 'targets', (SELECT jsonb_agg(jsonb_build_object('socialAccountId', t.account, 'position', t.ord - 1) ORDER BY t.ord)
        FROM unnest($7::uuid[]) WITH ORDINALITY AS t(account, ord))) AS set FROM item),
  revision AS (
    INSERT INTO content_revisions (organization_id, content_item_id, revision, actor_type, actor_id, actor_label, changed, snapshot)
    SELECT $1, id, 1, 'member', $6, $8, '{campaignId,title,kind,body,targets}', set FROM snapshot RETURNING 1),
  event AS (
    INSERT INTO events (organization_id, type, subject_type, subject_id, brand_id, actor_type, actor_id, actor_label, request_id, data)
    SELECT $1, 'content_item.created', 'content_item', id, brand_id, 'member', $6, $8, $9,
      jsonb_build_object('contentItem', set || jsonb_build_object('id', id, 'brandId', brand_id, 'status', status, 'revision', revision,
        'version', version, 'createdAt', created_at, 'updatedAt', updated_at))
    FROM snapshot RETURNING id),
  deliveries AS (
    INSERT INTO webhook_deliveries (organization_id, subscription_id, event_id, event_type, next_attempt_at)
    SELECT s.organization_id, s.id, event.id, 'content_item.created', now() FROM webhook_subscriptions s, event
    WHERE s.organization_id = $1 AND s.enabled AND s.event_types && '{content_item.created,content_item.*}'
      AND (s.brand_id IS NULL OR s.brand_id = $2) AND (s.creator_brand_ids IS NULL OR $2 = ANY (s.creator_brand_ids))
    ON CONFLICT DO NOTHING RETURNING id),
  jobs AS (
    SELECT herald_add_job('webhooks.deliver', json_build_object('orgId', $1::text, 'deliveryId', deliveries.id), NULL, NULL, 5, 'webhook-delivery:' || deliveries.id, 0)
    FROM deliveries)
  SELECT (SELECT json_build_object('id', id, 'title', title, 'status', status, 'version', version) FROM item) AS item,
    (SELECT count(*) FROM targets) + (SELECT count(*) FROM revision) + (SELECT count(*) FROM jobs) AS rows`

// campaigns(first: 10) → contentItems(first: 20) → approval → decisions, as one statement.
export const NESTED = `SELECT json_build_object('data', json_build_object('campaigns', json_build_object('edges', coalesce(json_agg(json_build_object('node', json_build_object(
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
