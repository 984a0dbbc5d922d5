-- Row-level security for the crisis tables (as in 0001, 0003 and 0005), and what the crisis
-- timers (step overdue, review due, automatic resume) may find across organizations as
-- herald_system: only the columns a scan needs; the work then runs per organization as
-- herald_app, like a request.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['crisis_playbooks', 'crisis_playbook_versions', 'incidents', 'incident_steps', 'incident_entries', 'brand_pauses', 'crisis_trigger_states'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I TO herald_app
      USING (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)
      WITH CHECK (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)$p$, t);
  END LOOP;
END $$;
--> statement-breakpoint
GRANT SELECT (id, organization_id, completed_at, overdue_announced, due_at) ON incident_steps TO herald_system;
--> statement-breakpoint
CREATE POLICY system_scan ON incident_steps FOR SELECT TO herald_system USING (true);
--> statement-breakpoint
GRANT SELECT (id, organization_id, reviewed_at, review_due_announced_for, definition) ON crisis_playbooks TO herald_system;
--> statement-breakpoint
CREATE POLICY system_scan ON crisis_playbooks FOR SELECT TO herald_system USING (true);
--> statement-breakpoint
GRANT SELECT (id, organization_id, resume_at, ended_at) ON brand_pauses TO herald_system;
--> statement-breakpoint
CREATE POLICY system_scan ON brand_pauses FOR SELECT TO herald_system USING (true);
