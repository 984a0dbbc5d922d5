-- Row-level security for metric points, as for every tenant table (0001, 0003, 0005).
ALTER TABLE metric_points ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE metric_points FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON metric_points TO herald_app
  USING (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = nullif(current_setting('app.org_id', true), '')::uuid);
