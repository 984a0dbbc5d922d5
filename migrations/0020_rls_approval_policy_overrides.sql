-- Row-level security for approval_policy_overrides, as in 0001/0003/0005: enabled, forced, and
-- one tenant_isolation policy on organization_id for herald_app.
ALTER TABLE approval_policy_overrides ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE approval_policy_overrides FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON approval_policy_overrides TO herald_app
  USING (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = nullif(current_setting('app.org_id', true), '')::uuid);
