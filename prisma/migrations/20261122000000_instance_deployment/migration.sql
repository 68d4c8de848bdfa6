-- An instance keeps the value files of its composed template chain next to its rendered values, so the
-- worker deploys exactly what was launched even after a base template changes.
ALTER TABLE "instances" ADD COLUMN "value_files" TEXT[] DEFAULT ARRAY[]::TEXT[];
-- The worker's queries: instances to reconcile (live, not deleted) and expiry scans.
CREATE INDEX "instances_phase_deleted_at_idx" ON "instances"("phase", "deleted_at");
