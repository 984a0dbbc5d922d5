DROP INDEX "metric_points_brand_period_idx";--> statement-breakpoint
ALTER TABLE "metric_points" DROP CONSTRAINT "metric_points_pkey";
--> statement-breakpoint
ALTER TABLE "metric_points" ADD CONSTRAINT "metric_points_pkey" PRIMARY KEY("organization_id","brand_id","period_start","subject_id","metric","granularity");