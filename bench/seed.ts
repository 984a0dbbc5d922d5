import type pg from 'pg'

// The benchmark's data, written in SQL (seconds, not minutes): in the organization of one
// signed-up owner, 20 brands with their approval policy and two social accounts (X and
// LinkedIn), 200 campaigns, 20,000 approved content items with two targets and a revision each,
// and 20,000 approval requests carrying 40,000 decisions. Runs as the database owner (a
// superuser here), so row-level security does not apply to the seed itself.

export interface Seeded {
  brandId: string
  campaignId: string
  itemId: string
  accounts: [string, string]
}

export async function seed (db: pg.Client, orgId: string, memberId: string): Promise<Seeded> {
  await db.query('BEGIN')
  await db.query(`
    INSERT INTO brands (organization_id, name, time_zone, created_at)
    SELECT $1, 'Brand ' || b, 'Europe/Paris', now() - make_interval(mins => b) FROM generate_series(1, 20) b`, [orgId])
  await db.query(`
    INSERT INTO approval_policies (organization_id, brand_id, name, steps)
    SELECT organization_id, id, 'Internal then client', '[{"name":"Internal review","roles":["manager","admin","owner"],"memberIds":[],"mode":"any"},{"name":"Client approval","roles":["client"],"memberIds":[],"mode":"any"}]'
      FROM brands WHERE organization_id = $1`, [orgId])
  await db.query('UPDATE brands b SET approval_policy_id = p.id FROM approval_policies p WHERE p.brand_id = b.id AND b.organization_id = $1', [orgId])
  await db.query(`
    INSERT INTO social_accounts (organization_id, brand_id, platform, handle)
    SELECT b.organization_id, b.id, p.platform::platform, 'bench_' || p.platform || '_' || row_number() OVER ()
      FROM brands b CROSS JOIN (VALUES ('x'), ('linkedin')) p(platform) WHERE b.organization_id = $1`, [orgId])
  await db.query(`
    INSERT INTO campaigns (organization_id, brand_id, name, objective, status, created_at)
    SELECT b.organization_id, b.id, 'Campaign ' || c, 'engagement', 'active', now() - make_interval(mins => c)
      FROM brands b CROSS JOIN generate_series(1, 10) c WHERE b.organization_id = $1`, [orgId])
  await db.query(`
    INSERT INTO content_items (organization_id, brand_id, campaign_id, title, kind, body, hashtags, status, created_by_type, created_by_id,
                               scheduled_at, created_at, updated_at)
    SELECT c.organization_id, c.brand_id, c.id, 'Post ' || n, 'post', 'Post ' || n || ' of ' || c.name || ' #coffee', '{coffee}', 'approved',
           'member', $2, now() + make_interval(days => 30 + n % 28, hours => n % 10), now() - make_interval(secs => n), now() - make_interval(secs => n)
      FROM campaigns c CROSS JOIN generate_series(1, 100) n WHERE c.organization_id = $1`, [orgId, memberId])
  await db.query(`
    INSERT INTO content_targets (organization_id, content_item_id, social_account_id, position, body)
    SELECT i.organization_id, i.id, a.id, CASE a.platform WHEN 'x' THEN 0 ELSE 1 END,
           CASE a.platform WHEN 'linkedin' THEN 'The LinkedIn version of ' || i.title END
      FROM content_items i JOIN social_accounts a ON a.brand_id = i.brand_id WHERE i.organization_id = $1`, [orgId])
  await db.query(`
    INSERT INTO content_revisions (organization_id, content_item_id, revision, actor_type, actor_id, changed, snapshot)
    SELECT organization_id, id, 1, 'member', $2, '{title,kind,body,targets}', json_build_object('title', title, 'kind', kind, 'body', body)
      FROM content_items WHERE organization_id = $1`, [orgId, memberId])
  await db.query(`
    INSERT INTO approval_requests (organization_id, brand_id, content_item_id, revision, policy_id, policy_name, steps, current_step, status,
                                   submitted_by_type, submitted_by_id, closed_at, created_at)
    SELECT i.organization_id, i.brand_id, i.id, 1, p.id, p.name,
           '[{"name":"Internal review","roles":["manager","admin","owner"],"memberIds":[],"mode":"any","eligibleMemberIds":[]},{"name":"Client approval","roles":["client"],"memberIds":[],"mode":"any","eligibleMemberIds":[]}]',
           2, 'approved', 'member', $2, i.created_at, i.created_at
      FROM content_items i JOIN approval_policies p ON p.brand_id = i.brand_id WHERE i.organization_id = $1`, [orgId, memberId])
  await db.query(`
    INSERT INTO approval_decisions (organization_id, request_id, step, decision, comment, actor_type, actor_id, actor_label, created_at)
    SELECT r.organization_id, r.id, s.step, 'approve', CASE s.step WHEN 1 THEN 'Looks good to us' END, 'member', gen_random_uuid(), 'reviewer@example.com',
           r.created_at + make_interval(mins => s.step + 1)
      FROM approval_requests r CROSS JOIN (VALUES (0), (1)) s(step) WHERE r.organization_id = $1`, [orgId])
  await db.query('COMMIT')
  await db.query('ANALYZE')
  const { rows: [busy] } = await db.query(`
    SELECT c.brand_id, c.id AS campaign_id, (SELECT id FROM content_items WHERE campaign_id = c.id ORDER BY created_at DESC, id DESC LIMIT 1) AS item_id,
           array(SELECT id FROM social_accounts WHERE brand_id = c.brand_id ORDER BY platform) AS accounts
      FROM campaigns c WHERE c.organization_id = $1 ORDER BY c.created_at DESC, c.id DESC LIMIT 1`, [orgId])
  return { brandId: busy.brand_id, campaignId: busy.campaign_id, itemId: busy.item_id, accounts: busy.accounts }
}
