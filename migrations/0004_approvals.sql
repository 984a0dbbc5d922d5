CREATE TYPE "public"."approval_decision" AS ENUM('approve', 'request_changes', 'reject');--> statement-breakpoint
CREATE TYPE "public"."approval_request_status" AS ENUM('open', 'approved', 'changes_requested', 'rejected', 'invalidated');--> statement-breakpoint
CREATE TYPE "public"."comment_visibility" AS ENUM('internal', 'shared');--> statement-breakpoint
CREATE TABLE "approval_decisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"request_id" uuid NOT NULL,
	"step" integer NOT NULL,
	"decision" "approval_decision" NOT NULL,
	"comment" text,
	"actor_type" "actor_type" NOT NULL,
	"actor_id" uuid NOT NULL,
	"actor_label" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "approval_guest_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"request_id" uuid NOT NULL,
	"email" text,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"revoked_at" timestamp (3) with time zone,
	"last_used_at" timestamp (3) with time zone,
	"created_by_type" "actor_type" NOT NULL,
	"created_by_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "approval_policies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"brand_id" uuid NOT NULL,
	"name" text NOT NULL,
	"steps" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "approval_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"brand_id" uuid NOT NULL,
	"content_item_id" uuid NOT NULL,
	"revision" integer NOT NULL,
	"policy_id" uuid,
	"policy_name" text NOT NULL,
	"steps" jsonb NOT NULL,
	"current_step" integer DEFAULT 0 NOT NULL,
	"status" "approval_request_status" DEFAULT 'open' NOT NULL,
	"due_at" timestamp (3) with time zone,
	"overdue_notified_at" timestamp (3) with time zone,
	"submitted_by_type" "actor_type" NOT NULL,
	"submitted_by_id" uuid,
	"submitted_by_label" text,
	"closed_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "content_comments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"content_item_id" uuid NOT NULL,
	"body" text NOT NULL,
	"visibility" "comment_visibility" NOT NULL,
	"mentions" uuid[] DEFAULT '{}' NOT NULL,
	"author_type" "actor_type" NOT NULL,
	"author_id" uuid NOT NULL,
	"author_label" text,
	"revision" integer,
	"edited_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "brands" ADD COLUMN "approval_policy_id" uuid;--> statement-breakpoint
ALTER TABLE "campaigns" ADD COLUMN "approval_policy_id" uuid;--> statement-breakpoint
ALTER TABLE "approval_decisions" ADD CONSTRAINT "approval_decisions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_decisions" ADD CONSTRAINT "approval_decisions_request_id_approval_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."approval_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_guest_links" ADD CONSTRAINT "approval_guest_links_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_guest_links" ADD CONSTRAINT "approval_guest_links_request_id_approval_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."approval_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_policies" ADD CONSTRAINT "approval_policies_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_policies" ADD CONSTRAINT "approval_policies_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_content_item_id_content_items_id_fk" FOREIGN KEY ("content_item_id") REFERENCES "public"."content_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_requests" ADD CONSTRAINT "approval_requests_policy_id_approval_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."approval_policies"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_comments" ADD CONSTRAINT "content_comments_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_comments" ADD CONSTRAINT "content_comments_content_item_id_content_items_id_fk" FOREIGN KEY ("content_item_id") REFERENCES "public"."content_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "approval_decisions_once_key" ON "approval_decisions" USING btree ("request_id","step","actor_type","actor_id");--> statement-breakpoint
CREATE INDEX "approval_decisions_org_idx" ON "approval_decisions" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "approval_guest_links_request_idx" ON "approval_guest_links" USING btree ("request_id");--> statement-breakpoint
CREATE INDEX "approval_guest_links_org_created_idx" ON "approval_guest_links" USING btree ("organization_id","created_at","id");--> statement-breakpoint
CREATE INDEX "approval_policies_org_created_idx" ON "approval_policies" USING btree ("organization_id","created_at","id");--> statement-breakpoint
CREATE INDEX "approval_policies_brand_idx" ON "approval_policies" USING btree ("brand_id");--> statement-breakpoint
CREATE INDEX "approval_requests_org_created_idx" ON "approval_requests" USING btree ("organization_id","created_at","id");--> statement-breakpoint
CREATE INDEX "approval_requests_item_idx" ON "approval_requests" USING btree ("content_item_id","created_at");--> statement-breakpoint
CREATE INDEX "approval_requests_brand_idx" ON "approval_requests" USING btree ("brand_id");--> statement-breakpoint
CREATE INDEX "approval_requests_policy_idx" ON "approval_requests" USING btree ("policy_id");--> statement-breakpoint
CREATE INDEX "approval_requests_open_due_idx" ON "approval_requests" USING btree ("due_at") WHERE status = 'open' AND overdue_notified_at IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "approval_requests_one_open_key" ON "approval_requests" USING btree ("content_item_id") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "content_comments_item_idx" ON "content_comments" USING btree ("content_item_id","created_at","id");--> statement-breakpoint
CREATE INDEX "content_comments_org_created_idx" ON "content_comments" USING btree ("organization_id","created_at","id");--> statement-breakpoint
ALTER TABLE "brands" ADD CONSTRAINT "brands_approval_policy_id_approval_policies_id_fk" FOREIGN KEY ("approval_policy_id") REFERENCES "public"."approval_policies"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_approval_policy_id_approval_policies_id_fk" FOREIGN KEY ("approval_policy_id") REFERENCES "public"."approval_policies"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "brands_approval_policy_idx" ON "brands" USING btree ("approval_policy_id");--> statement-breakpoint
CREATE INDEX "campaigns_approval_policy_idx" ON "campaigns" USING btree ("approval_policy_id");