-- Row-level security for the publishing tables, as in 0003: enabled, forced, one
-- tenant_isolation policy on organization_id for herald_app.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['publications', 'publication_targets'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I TO herald_app
      USING (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)
      WITH CHECK (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)$p$, t);
  END LOOP;
END $$;
--> statement-breakpoint
-- herald_system may find publishing's background work across organizations (as 0005 lets it
-- find overdue approval requests): scheduled items that are past due (their job may have died
-- with a killed worker), and hand-overs whose publisher has not answered by their deadline.
-- Only these columns; changes happen in each tenant, as the system actor.
GRANT SELECT (id, organization_id, status, scheduled_at) ON content_items TO herald_system;
--> statement-breakpoint
CREATE POLICY system_scan ON content_items FOR SELECT TO herald_system USING (true);
--> statement-breakpoint
GRANT SELECT (id, organization_id, content_item_id, status, deadline_at) ON publications TO herald_system;
--> statement-breakpoint
CREATE POLICY system_scan ON publications FOR SELECT TO herald_system USING (true);
--> statement-breakpoint
CREATE INDEX publications_open_deadline_idx ON publications (deadline_at) WHERE status = 'publishing';
--> statement-breakpoint
CREATE INDEX content_items_scheduled_due_idx ON content_items (scheduled_at) WHERE status = 'scheduled';
