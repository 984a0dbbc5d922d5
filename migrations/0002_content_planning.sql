CREATE TYPE "public"."platform" AS ENUM('instagram', 'facebook', 'x', 'linkedin', 'tiktok', 'youtube', 'pinterest', 'threads', 'bluesky');--> statement-breakpoint
CREATE TYPE "public"."campaign_objective" AS ENUM('awareness', 'engagement', 'traffic', 'leads', 'conversions', 'sales', 'community');--> statement-breakpoint
CREATE TYPE "public"."campaign_status" AS ENUM('draft', 'planned', 'active', 'paused', 'completed', 'archived');--> statement-breakpoint
CREATE TYPE "public"."content_kind" AS ENUM('post', 'story', 'reel', 'short_video', 'video', 'carousel', 'article', 'thread');--> statement-breakpoint
CREATE TYPE "public"."content_status" AS ENUM('draft', 'in_review', 'changes_requested', 'approved', 'scheduled', 'publishing', 'published', 'failed', 'archived');--> statement-breakpoint
CREATE TYPE "public"."schedule_basis" AS ENUM('instant', 'local');--> statement-breakpoint
CREATE TABLE "social_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"brand_id" uuid NOT NULL,
	"platform" "platform" NOT NULL,
	"handle" text NOT NULL,
	"display_name" text,
	"external_id" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "campaign_channels" (
	"organization_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"social_account_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaign_channels_campaign_id_social_account_id_pk" PRIMARY KEY("campaign_id","social_account_id")
);
--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"brand_id" uuid NOT NULL,
	"name" text NOT NULL,
	"brief" text,
	"objective" "campaign_objective" NOT NULL,
	"status" "campaign_status" DEFAULT 'draft' NOT NULL,
	"starts_on" date,
	"ends_on" date,
	"budget_amount_minor" bigint,
	"budget_currency" text,
	"kpi_targets" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"tags" text[] DEFAULT '{}' NOT NULL,
	"owner_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "content_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"brand_id" uuid NOT NULL,
	"campaign_id" uuid,
	"title" text NOT NULL,
	"kind" "content_kind" NOT NULL,
	"body" text DEFAULT '' NOT NULL,
	"media" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"link" text,
	"hashtags" text[] DEFAULT '{}' NOT NULL,
	"first_comment" text,
	"labels" text[] DEFAULT '{}' NOT NULL,
	"assignee_id" uuid,
	"status" "content_status" DEFAULT 'draft' NOT NULL,
	"archived_from" "content_status",
	"scheduled_at" timestamp (3) with time zone,
	"scheduled_local" text,
	"schedule_time_zone" text,
	"schedule_basis" "schedule_basis",
	"revision" integer DEFAULT 1 NOT NULL,
	"created_by_type" "actor_type" NOT NULL,
	"created_by_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "content_revisions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"content_item_id" uuid NOT NULL,
	"revision" integer NOT NULL,
	"actor_type" "actor_type" NOT NULL,
	"actor_id" uuid,
	"actor_label" text,
	"changed" text[] NOT NULL,
	"snapshot" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "content_targets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"content_item_id" uuid NOT NULL,
	"social_account_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"body" text,
	"media" jsonb,
	"first_comment" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "brand_blackouts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"brand_id" uuid NOT NULL,
	"starts_at" timestamp (3) with time zone NOT NULL,
	"ends_at" timestamp (3) with time zone NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "brand_id" uuid;--> statement-breakpoint
ALTER TABLE "social_accounts" ADD CONSTRAINT "social_accounts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "social_accounts" ADD CONSTRAINT "social_accounts_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_channels" ADD CONSTRAINT "campaign_channels_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_channels" ADD CONSTRAINT "campaign_channels_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_channels" ADD CONSTRAINT "campaign_channels_social_account_id_social_accounts_id_fk" FOREIGN KEY ("social_account_id") REFERENCES "public"."social_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_owner_id_memberships_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."memberships"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_items" ADD CONSTRAINT "content_items_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_items" ADD CONSTRAINT "content_items_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_items" ADD CONSTRAINT "content_items_campaign_id_campaigns_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."campaigns"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_items" ADD CONSTRAINT "content_items_assignee_id_memberships_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."memberships"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_revisions" ADD CONSTRAINT "content_revisions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_revisions" ADD CONSTRAINT "content_revisions_content_item_id_content_items_id_fk" FOREIGN KEY ("content_item_id") REFERENCES "public"."content_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_targets" ADD CONSTRAINT "content_targets_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_targets" ADD CONSTRAINT "content_targets_content_item_id_content_items_id_fk" FOREIGN KEY ("content_item_id") REFERENCES "public"."content_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_targets" ADD CONSTRAINT "content_targets_social_account_id_social_accounts_id_fk" FOREIGN KEY ("social_account_id") REFERENCES "public"."social_accounts"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "brand_blackouts" ADD CONSTRAINT "brand_blackouts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "brand_blackouts" ADD CONSTRAINT "brand_blackouts_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "social_accounts_org_platform_handle_key" ON "social_accounts" USING btree ("organization_id","platform",lower("handle"));--> statement-breakpoint
CREATE INDEX "social_accounts_org_created_idx" ON "social_accounts" USING btree ("organization_id","created_at","id");--> statement-breakpoint
CREATE INDEX "social_accounts_brand_idx" ON "social_accounts" USING btree ("brand_id");--> statement-breakpoint
CREATE INDEX "campaign_channels_account_idx" ON "campaign_channels" USING btree ("social_account_id");--> statement-breakpoint
CREATE INDEX "campaign_channels_org_idx" ON "campaign_channels" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "campaigns_org_created_idx" ON "campaigns" USING btree ("organization_id","created_at","id");--> statement-breakpoint
CREATE INDEX "campaigns_org_name_idx" ON "campaigns" USING btree ("organization_id","name","id");--> statement-breakpoint
CREATE INDEX "campaigns_org_starts_idx" ON "campaigns" USING btree ("organization_id","starts_on","id");--> statement-breakpoint
CREATE INDEX "campaigns_brand_idx" ON "campaigns" USING btree ("brand_id","created_at","id");--> statement-breakpoint
CREATE INDEX "campaigns_owner_idx" ON "campaigns" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "content_items_org_created_idx" ON "content_items" USING btree ("organization_id","created_at","id");--> statement-breakpoint
CREATE INDEX "content_items_org_updated_idx" ON "content_items" USING btree ("organization_id","updated_at","id");--> statement-breakpoint
CREATE INDEX "content_items_org_scheduled_idx" ON "content_items" USING btree ("organization_id","scheduled_at","id");--> statement-breakpoint
CREATE INDEX "content_items_brand_scheduled_idx" ON "content_items" USING btree ("brand_id","scheduled_at");--> statement-breakpoint
CREATE INDEX "content_items_campaign_idx" ON "content_items" USING btree ("campaign_id","created_at","id");--> statement-breakpoint
CREATE INDEX "content_items_assignee_idx" ON "content_items" USING btree ("assignee_id");--> statement-breakpoint
CREATE INDEX "content_items_labels_idx" ON "content_items" USING gin ("labels");--> statement-breakpoint
CREATE UNIQUE INDEX "content_revisions_item_revision_key" ON "content_revisions" USING btree ("content_item_id","revision");--> statement-breakpoint
CREATE INDEX "content_revisions_org_idx" ON "content_revisions" USING btree ("organization_id");--> statement-breakpoint
CREATE UNIQUE INDEX "content_targets_item_account_key" ON "content_targets" USING btree ("content_item_id","social_account_id");--> statement-breakpoint
CREATE INDEX "content_targets_account_idx" ON "content_targets" USING btree ("social_account_id");--> statement-breakpoint
CREATE INDEX "content_targets_org_idx" ON "content_targets" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "brand_blackouts_brand_starts_idx" ON "brand_blackouts" USING btree ("brand_id","starts_at");--> statement-breakpoint
CREATE INDEX "brand_blackouts_org_created_idx" ON "brand_blackouts" USING btree ("organization_id","created_at","id");--> statement-breakpoint
CREATE INDEX "events_org_brand_seq_idx" ON "events" USING btree ("organization_id","brand_id","seq");