ALTER TABLE "content_targets" DROP CONSTRAINT "content_targets_social_account_id_social_accounts_id_fk";
--> statement-breakpoint
ALTER TABLE "content_targets" ADD CONSTRAINT "content_targets_social_account_id_social_accounts_id_fk" FOREIGN KEY ("social_account_id") REFERENCES "public"."social_accounts"("id") ON DELETE no action ON UPDATE no action;