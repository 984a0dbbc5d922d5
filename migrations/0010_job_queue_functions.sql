-- The job queue (graphile-worker) lives in its own schema, graphile_worker, installed by
-- src/db/migrate.ts right after these migrations and under the same advisory lock. The
-- request and background roles get no access to it: they add and remove jobs only through
-- these two functions, which run as their owner (the migrating user) with a fixed
-- search_path. That lets a service add, move or remove a job in its own tenant transaction,
-- so the job commits with the change it belongs to, or not at all.
-- plpgsql resolves graphile_worker.* when called, so these can be created before it exists.
CREATE OR REPLACE FUNCTION herald_add_job(
  task text, payload json, queue text, run_at timestamptz, max_attempts integer, job_key text, priority integer
) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  PERFORM graphile_worker.add_job(
    identifier => task, payload => payload, queue_name => queue, run_at => run_at,
    max_attempts => max_attempts, job_key => job_key, priority => priority, job_key_mode => 'replace');
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION herald_remove_job(job_key text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  PERFORM graphile_worker.remove_job(job_key);
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION herald_add_job(text, json, text, timestamptz, integer, text, integer) FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON FUNCTION herald_remove_job(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION herald_add_job(text, json, text, timestamptz, integer, text, integer) TO herald_app, herald_system;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION herald_remove_job(text) TO herald_app, herald_system;
