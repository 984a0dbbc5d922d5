CREATE TYPE "public"."metric_granularity" AS ENUM('hour', 'day');--> statement-breakpoint
CREATE TYPE "public"."metric_subject_type" AS ENUM('content_item', 'social_account', 'campaign');--> statement-breakpoint
CREATE TABLE "metric_points" (
	"organization_id" uuid NOT NULL,
	"brand_id" uuid NOT NULL,
	"subject_type" "metric_subject_type" NOT NULL,
	"subject_id" uuid NOT NULL,
	"social_account_id" uuid,
	"metric" text NOT NULL,
	"granularity" "metric_granularity" NOT NULL,
	"period_start" timestamp (3) with time zone NOT NULL,
	"value" numeric NOT NULL,
	"currency" text,
	"source" text NOT NULL,
	"collected_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "metric_points_pkey" PRIMARY KEY("organization_id","subject_id","metric","granularity","period_start")
);
--> statement-breakpoint
ALTER TABLE "metric_points" ADD CONSTRAINT "metric_points_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_points" ADD CONSTRAINT "metric_points_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "metric_points_brand_period_idx" ON "metric_points" USING btree ("organization_id","brand_id","period_start");--> statement-breakpoint
CREATE INDEX "metric_points_brand_fk_idx" ON "metric_points" USING btree ("brand_id");