ALTER TABLE "metric_points" DROP CONSTRAINT "metric_points_brand_id_brands_id_fk";
--> statement-breakpoint
-- What the foreign key's ON DELETE CASCADE did, once per statement instead of a key check per
-- ingested point: a deleted brand's points go with it (and so an organization's, whose
-- brands go with it). Ingestion locks the brands it writes to (FOR KEY SHARE) once per batch,
-- so no point is written for a brand being deleted. The delete runs as the deleting role,
-- under its row-level security, like the brand's own delete.
CREATE FUNCTION metric_points_delete_with_brands() RETURNS trigger LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  DELETE FROM metric_points mp USING deleted_brands b WHERE mp.brand_id = b.id AND mp.organization_id = b.organization_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER brands_delete_metric_points AFTER DELETE ON brands
  REFERENCING OLD TABLE AS deleted_brands FOR EACH STATEMENT EXECUTE FUNCTION metric_points_delete_with_brands();
