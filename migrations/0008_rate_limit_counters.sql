CREATE SCHEMA "herald_limits";
--> statement-breakpoint
CREATE TABLE "herald_limits"."login_failures" (
	"key" varchar(255) PRIMARY KEY NOT NULL,
	"points" integer DEFAULT 0 NOT NULL,
	"expire" bigint
);
--> statement-breakpoint
CREATE TABLE "herald_limits"."rate_counts" (
	"key" text NOT NULL,
	"window_start" bigint NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "rate_counts_key_window_start_pk" PRIMARY KEY("key","window_start")
);
--> statement-breakpoint
CREATE INDEX "rate_counts_window_idx" ON "herald_limits"."rate_counts" USING btree ("window_start");