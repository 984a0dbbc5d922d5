CREATE TABLE "approval_policy_overrides" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"brand_id" uuid NOT NULL,
	"name" text NOT NULL,
	"steps" jsonb NOT NULL,
	"source_type" text NOT NULL,
	"source_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "approval_policy_overrides" ADD CONSTRAINT "approval_policy_overrides_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_policy_overrides" ADD CONSTRAINT "approval_policy_overrides_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "approval_policy_overrides_source_key" ON "approval_policy_overrides" USING btree ("source_type","source_id","brand_id");--> statement-breakpoint
CREATE INDEX "approval_policy_overrides_brand_idx" ON "approval_policy_overrides" USING btree ("brand_id","created_at");--> statement-breakpoint
CREATE INDEX "approval_policy_overrides_org_idx" ON "approval_policy_overrides" USING btree ("organization_id");