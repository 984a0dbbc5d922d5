CREATE TYPE "public"."publication_status" AS ENUM('publishing', 'published', 'failed', 'held');--> statement-breakpoint
CREATE TYPE "public"."publication_target_status" AS ENUM('requested', 'published', 'failed');--> statement-breakpoint
CREATE TABLE "publication_targets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"publication_id" uuid NOT NULL,
	"target_id" uuid NOT NULL,
	"social_account_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"status" "publication_target_status" DEFAULT 'requested' NOT NULL,
	"external_id" text,
	"url" text,
	"published_at" timestamp (3) with time zone,
	"error" text,
	"retryable" boolean,
	"requested_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"reported_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "publications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"brand_id" uuid NOT NULL,
	"content_item_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"status" "publication_status" NOT NULL,
	"scheduled_at" timestamp (3) with time zone NOT NULL,
	"late" boolean DEFAULT false NOT NULL,
	"reason" text,
	"detail" text,
	"publisher" text NOT NULL,
	"started_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"deadline_at" timestamp (3) with time zone,
	"finished_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "publication_targets" ADD CONSTRAINT "publication_targets_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publication_targets" ADD CONSTRAINT "publication_targets_publication_id_publications_id_fk" FOREIGN KEY ("publication_id") REFERENCES "public"."publications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publication_targets" ADD CONSTRAINT "publication_targets_social_account_id_social_accounts_id_fk" FOREIGN KEY ("social_account_id") REFERENCES "public"."social_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publications" ADD CONSTRAINT "publications_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publications" ADD CONSTRAINT "publications_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publications" ADD CONSTRAINT "publications_content_item_id_content_items_id_fk" FOREIGN KEY ("content_item_id") REFERENCES "public"."content_items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "publication_targets_publication_target_key" ON "publication_targets" USING btree ("publication_id","target_id");--> statement-breakpoint
CREATE INDEX "publication_targets_org_idx" ON "publication_targets" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "publication_targets_account_idx" ON "publication_targets" USING btree ("social_account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "publications_item_attempt_key" ON "publications" USING btree ("content_item_id","attempt");--> statement-breakpoint
CREATE INDEX "publications_org_idx" ON "publications" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "publications_brand_idx" ON "publications" USING btree ("brand_id");