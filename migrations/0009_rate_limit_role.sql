-- herald_limiter: the only role that may touch the shared rate-limit and failed-sign-in
-- counters (schema herald_limits, created by 0008). They are not tenant data, so they carry
-- no organization and no row-level security; instead the request roles cannot reach the
-- schema at all (no USAGE: herald_app's default privileges cover public only), and the
-- limiter's own connections (src/plugins/rate-limit.ts) start as herald_limiter, which may do
-- nothing else. NOLOGIN, not superuser, no BYPASSRLS, like the other roles.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'herald_limiter') THEN
    CREATE ROLE herald_limiter NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; -- another database of this cluster won the race
END $$;
--> statement-breakpoint
DO $$
BEGIN
  -- The connecting user must be allowed to become it (a superuser already is).
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT herald_limiter TO %I', current_user);
  END IF;
END $$;
--> statement-breakpoint
REVOKE ALL ON SCHEMA herald_limits FROM PUBLIC;
--> statement-breakpoint
GRANT USAGE ON SCHEMA herald_limits TO herald_limiter;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON herald_limits.rate_counts, herald_limits.login_failures TO herald_limiter;
