CREATE TYPE "public"."incident_status" AS ENUM('active', 'monitoring', 'resolved');--> statement-breakpoint
CREATE TYPE "public"."pause_resume_mode" AS ENUM('release', 'reschedule');--> statement-breakpoint
ALTER TYPE "public"."content_status" ADD VALUE 'held';--> statement-breakpoint
CREATE TABLE "brand_pauses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"brand_id" uuid NOT NULL,
	"incident_id" uuid,
	"reason" text NOT NULL,
	"resume_at" timestamp (3) with time zone,
	"on_resume" "pause_resume_mode" DEFAULT 'release' NOT NULL,
	"held_item_ids" uuid[] DEFAULT '{}' NOT NULL,
	"released_item_ids" uuid[],
	"allowed_item_ids" uuid[] DEFAULT '{}' NOT NULL,
	"started_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "crisis_playbook_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"playbook_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"actor_type" "actor_type" NOT NULL,
	"actor_id" uuid,
	"actor_label" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "crisis_playbooks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"definition" jsonb NOT NULL,
	"reviewed_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"review_due_announced_for" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "crisis_trigger_states" (
	"organization_id" uuid NOT NULL,
	"playbook_id" uuid NOT NULL,
	"rule_index" integer NOT NULL,
	"brand_id" uuid NOT NULL,
	"last_crossed_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "crisis_trigger_states_playbook_id_rule_index_brand_id_pk" PRIMARY KEY("playbook_id","rule_index","brand_id")
);
--> statement-breakpoint
CREATE TABLE "incident_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"incident_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"body" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"actor_type" "actor_type" NOT NULL,
	"actor_id" uuid,
	"actor_label" text,
	"created_at" timestamp (3) with time zone DEFAULT clock_timestamp() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_steps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"incident_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"title" text NOT NULL,
	"instructions" text DEFAULT '' NOT NULL,
	"owner_role" text,
	"owner_member_id" uuid,
	"response_target_minutes" integer NOT NULL,
	"due_at" timestamp (3) with time zone NOT NULL,
	"completed_at" timestamp (3) with time zone,
	"completed_by_type" "actor_type",
	"completed_by_id" uuid,
	"completed_by_label" text,
	"breached" boolean,
	"overdue_announced" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"brand_id" uuid NOT NULL,
	"playbook_id" uuid NOT NULL,
	"playbook_version" integer NOT NULL,
	"severity" text NOT NULL,
	"status" "incident_status" DEFAULT 'active' NOT NULL,
	"commander_id" uuid,
	"opened_by" text DEFAULT 'manual' NOT NULL,
	"opened_by_label" text,
	"acknowledged_at" timestamp (3) with time zone,
	"acknowledged_by_label" text,
	"resolved_at" timestamp (3) with time zone,
	"summary" text,
	"inform_clients" boolean DEFAULT false NOT NULL,
	"pause_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "brand_pauses" ADD CONSTRAINT "brand_pauses_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "brand_pauses" ADD CONSTRAINT "brand_pauses_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "brand_pauses" ADD CONSTRAINT "brand_pauses_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crisis_playbook_versions" ADD CONSTRAINT "crisis_playbook_versions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crisis_playbook_versions" ADD CONSTRAINT "crisis_playbook_versions_playbook_id_crisis_playbooks_id_fk" FOREIGN KEY ("playbook_id") REFERENCES "public"."crisis_playbooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crisis_playbooks" ADD CONSTRAINT "crisis_playbooks_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crisis_trigger_states" ADD CONSTRAINT "crisis_trigger_states_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crisis_trigger_states" ADD CONSTRAINT "crisis_trigger_states_playbook_id_crisis_playbooks_id_fk" FOREIGN KEY ("playbook_id") REFERENCES "public"."crisis_playbooks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crisis_trigger_states" ADD CONSTRAINT "crisis_trigger_states_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_entries" ADD CONSTRAINT "incident_entries_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_entries" ADD CONSTRAINT "incident_entries_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_steps" ADD CONSTRAINT "incident_steps_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_steps" ADD CONSTRAINT "incident_steps_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_playbook_id_crisis_playbooks_id_fk" FOREIGN KEY ("playbook_id") REFERENCES "public"."crisis_playbooks"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_commander_id_memberships_id_fk" FOREIGN KEY ("commander_id") REFERENCES "public"."memberships"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "brand_pauses_active_brand_idx" ON "brand_pauses" USING btree ("brand_id") WHERE ended_at IS NULL;--> statement-breakpoint
CREATE INDEX "brand_pauses_brand_idx" ON "brand_pauses" USING btree ("brand_id","started_at");--> statement-breakpoint
CREATE INDEX "brand_pauses_org_created_idx" ON "brand_pauses" USING btree ("organization_id","created_at","id");--> statement-breakpoint
CREATE INDEX "brand_pauses_incident_idx" ON "brand_pauses" USING btree ("incident_id");--> statement-breakpoint
CREATE INDEX "brand_pauses_resume_idx" ON "brand_pauses" USING btree ("resume_at") WHERE ended_at IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "crisis_playbook_versions_playbook_version_idx" ON "crisis_playbook_versions" USING btree ("playbook_id","version");--> statement-breakpoint
CREATE INDEX "crisis_playbook_versions_org_idx" ON "crisis_playbook_versions" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "crisis_playbooks_org_created_idx" ON "crisis_playbooks" USING btree ("organization_id","created_at","id");--> statement-breakpoint
CREATE INDEX "crisis_trigger_states_org_idx" ON "crisis_trigger_states" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "crisis_trigger_states_brand_idx" ON "crisis_trigger_states" USING btree ("brand_id");--> statement-breakpoint
CREATE INDEX "incident_entries_incident_created_idx" ON "incident_entries" USING btree ("incident_id","created_at","id");--> statement-breakpoint
CREATE INDEX "incident_entries_org_idx" ON "incident_entries" USING btree ("organization_id");--> statement-breakpoint
CREATE UNIQUE INDEX "incident_steps_incident_position_idx" ON "incident_steps" USING btree ("incident_id","position");--> statement-breakpoint
CREATE INDEX "incident_steps_org_due_idx" ON "incident_steps" USING btree ("organization_id","due_at") WHERE completed_at IS NULL AND NOT overdue_announced;--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_open_playbook_brand_idx" ON "incidents" USING btree ("playbook_id","brand_id") WHERE status <> 'resolved';--> statement-breakpoint
CREATE INDEX "incidents_org_created_idx" ON "incidents" USING btree ("organization_id","created_at","id");--> statement-breakpoint
CREATE INDEX "incidents_brand_created_idx" ON "incidents" USING btree ("brand_id","created_at");--> statement-breakpoint
CREATE INDEX "incidents_commander_idx" ON "incidents" USING btree ("commander_id");--> statement-breakpoint
CREATE INDEX "incidents_playbook_idx" ON "incidents" USING btree ("playbook_id");