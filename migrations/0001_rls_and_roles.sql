-- Row-level security as the second wall between tenants (the first is every query's
-- organization_id filter). Requests run as herald_app with app.org_id set by SET LOCAL
-- (set_config(..., true)); credential look-ups before the organization is known run as
-- herald_auth, which may only read the few tables it needs. Neither role is superuser or
-- BYPASSRLS, and FORCE makes the policies apply to the tables' owner too.
-- After a transaction, current_setting('app.org_id', true) reads '' (not NULL): nullif() keeps
-- that from becoming a cast error and makes a missing organization match no row.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'herald_app') THEN
    CREATE ROLE herald_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'herald_auth') THEN
    CREATE ROLE herald_auth NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; -- another database of this cluster won the race
END $$;
--> statement-breakpoint
DO $$
BEGIN
  -- The connecting user must be allowed to SET ROLE to both (a superuser already is).
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT herald_app, herald_auth TO %I', current_user);
  END IF;
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO herald_app, herald_auth;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO herald_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO herald_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO herald_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO herald_app;
--> statement-breakpoint
GRANT SELECT ON organizations, users, memberships, api_keys, refresh_tokens TO herald_auth;
--> statement-breakpoint
ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE organizations FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON organizations TO herald_app
  USING (id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (id = nullif(current_setting('app.org_id', true), '')::uuid);
--> statement-breakpoint
CREATE POLICY credential_lookup ON organizations FOR SELECT TO herald_auth USING (true);
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['memberships', 'brands', 'api_keys', 'refresh_tokens', 'events', 'idempotency_keys'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I TO herald_app
      USING (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)
      WITH CHECK (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)$p$, t);
  END LOOP;
  FOREACH t IN ARRAY ARRAY['memberships', 'api_keys', 'refresh_tokens'] LOOP
    EXECUTE format('CREATE POLICY credential_lookup ON %I FOR SELECT TO herald_auth USING (true)', t);
  END LOOP;
END $$;
