ALTER TABLE "metric_points" DROP CONSTRAINT "metric_points_organization_id_organizations_id_fk";
--> statement-breakpoint
DROP INDEX "metric_points_brand_fk_idx";--> statement-breakpoint
DROP INDEX "metric_points_brand_period_idx";--> statement-breakpoint
CREATE INDEX "metric_points_brand_period_idx" ON "metric_points" USING btree ("brand_id","period_start");