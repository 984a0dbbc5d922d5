-- Row-level security for the approval tables (as in 0001 and 0003), and herald_system: the
-- role that background scans (overdue approval requests now, due publications later) use to
-- find work across organizations. It may only SELECT the few columns a scan needs; the work
-- itself then runs per organization as herald_app, like a request.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['approval_policies', 'approval_requests', 'approval_decisions', 'approval_guest_links', 'content_comments'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I TO herald_app
      USING (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)
      WITH CHECK (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)$p$, t);
  END LOOP;
END $$;
--> statement-breakpoint
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'herald_system') THEN
    CREATE ROLE herald_system NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; -- another database of this cluster won the race
END $$;
--> statement-breakpoint
DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT herald_system TO %I', current_user);
  END IF;
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO herald_system;
--> statement-breakpoint
GRANT SELECT (id, organization_id, status, due_at, overdue_notified_at) ON approval_requests TO herald_system;
--> statement-breakpoint
CREATE POLICY system_scan ON approval_requests FOR SELECT TO herald_system USING (true);
