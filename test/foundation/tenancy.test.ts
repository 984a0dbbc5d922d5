import t from 'tap'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { createTestApp, json, bearer } from '../helper.js'
import { createBrand, signup } from '../factories.js'

t.test('row-level security is the second wall', async (t) => {
  const h = await createTestApp(t)

  t.test('every table with organization_id has RLS enabled, forced, and a policy', async (t) => {
    const tables = await h.sql(`
      SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
             (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r'
        AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped)`)
    t.ok(tables.length >= 6, `found ${tables.length} tenant tables`)
    for (const r of tables) {
      t.ok(r.relrowsecurity, `${r.relname}: RLS enabled`)
      t.ok(r.relforcerowsecurity, `${r.relname}: RLS forced`)
      t.ok(r.policies > 0, `${r.relname}: has a policy`)
    }
    const [org] = await h.sql("SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'organizations'")
    t.ok(org.relrowsecurity && org.relforcerowsecurity, 'organizations too')
  })

  t.test('requests run as a role that is neither superuser nor BYPASSRLS', async (t) => {
    const s = await signup(h, 'role')
    const { tx } = await h.app.openTx('herald_app', s.orgId)
    try {
      const { rows } = await tx.query("SELECT current_user AS u, r.rolsuper, r.rolbypassrls, current_setting('app.org_id') AS org FROM pg_roles r WHERE r.rolname = current_user")
      t.match(rows[0], { u: 'herald_app', rolsuper: false, rolbypassrls: false, org: s.orgId })
    } finally { await tx.rollback() }
    for (const role of ['herald_app', 'herald_auth', 'herald_system']) {
      const [r] = await h.sql('SELECT rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = $1', [role])
      t.same(r, { rolsuper: false, rolbypassrls: false, rolcanlogin: false }, role)
    }
  })

  t.test('a query that forgets its organization filter still sees only its own rows', async (t) => {
    const a = await signup(h, 'rls-a')
    const b = await signup(h, 'rls-b')
    await createBrand(h, a, 'A1')
    await createBrand(h, b, 'B1')
    const { tx } = await h.app.openTx('herald_app', a.orgId)
    try {
      const { rows } = await tx.query('SELECT DISTINCT organization_id FROM brands')
      t.same(rows.map((r: any) => r.organization_id), [a.orgId])
      await t.rejects(tx.query("INSERT INTO brands (organization_id, name, time_zone) VALUES ($1, 'Sneaky', 'UTC')", [b.orgId]), /row-level security/)
    } finally { await tx.rollback() }
    const { tx: none } = await h.app.openTx('herald_app')
    try {
      const { rows } = await none.query('SELECT count(*)::int AS n FROM brands')
      t.equal(rows[0].n, 0, 'no organization set: no rows at all (fails closed)')
    } finally { await none.rollback() }
  })

  t.test('the setting does not survive on a pooled connection', async (t) => {
    const a = await signup(h, 'pool')
    await h.inject({ method: 'GET', url: '/v1/brands', headers: bearer(a.token) })
    const clients = await Promise.all(Array.from({ length: 3 }, () => h.app.pool.connect()))
    try {
      for (const c of clients) {
        const { rows } = await c.query("SELECT current_setting('app.org_id', true) AS org, current_user AS u")
        t.not(rows[0].org, a.orgId)
        t.not(rows[0].u, 'herald_app')
      }
    } finally { clients.forEach((c) => c.release()) }
  })

  t.test('the code never sets a session-level (non-LOCAL) setting', async (t) => {
    const files: string[] = []
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name)
        if (e.isDirectory()) walk(p)
        else if (p.endsWith('.ts')) files.push(p)
      }
    }
    walk('src')
    for (const f of files) {
      const text = readFileSync(f, 'utf8')
      t.notOk(/\bSET\s+(ROLE|app\.)/i.test(text), `${f}: no session-level SET`)
      t.notOk(/set_config\([^)]*,\s*false\)/i.test(text), `${f}: set_config is always transaction-local`)
    }
  })

  t.test('a header naming another organization changes nothing', async (t) => {
    const a = await signup(h, 'hdr-a')
    const b = await signup(h, 'hdr-b')
    await createBrand(h, b, 'Only B')
    const res = await h.inject({ method: 'GET', url: '/v1/brands', headers: { ...bearer(a.token), 'x-organization-id': b.orgId } })
    t.same(json(res).data, [])
  })
})
