-- What happened to an instance over time, for admins: each change of phase, provisioning step or owner, and its
-- teardown, with the health and message it came with. A trigger writes them, so every writer (a launch, a claim,
-- the worker, a release, the pool controller, SQL typed by hand) is covered without having to remember it.
-- Rows go with their instance. Instances that exist already start their history with their state now.
CREATE TABLE "instance_events" (
    "id" BIGSERIAL NOT NULL,
    "instance_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "phase" "InstancePhase" NOT NULL,
    "step" VARCHAR(16),
    "health" VARCHAR(32),
    "owner_key" VARCHAR(63),
    "message" VARCHAR(4000),
    "deleted" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "instance_events_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "instance_events_instance_id_id_idx" ON "instance_events"("instance_id", "id");
ALTER TABLE "instance_events" ADD CONSTRAINT "instance_events_instance_id_fkey" FOREIGN KEY ("instance_id") REFERENCES "instances"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- clock_timestamp, not now(): a transaction that moves an instance twice records two moments, in order.
CREATE FUNCTION envdeck_record_instance_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND NEW.phase IS NOT DISTINCT FROM OLD.phase
     AND NEW.step IS NOT DISTINCT FROM OLD.step
     AND NEW.owner_key IS NOT DISTINCT FROM OLD.owner_key
     AND (NEW.deleted_at IS NULL) = (OLD.deleted_at IS NULL) THEN
    RETURN NULL;
  END IF;
  INSERT INTO instance_events (instance_id, at, phase, step, health, owner_key, message, deleted)
  VALUES (NEW.id, clock_timestamp(), NEW.phase, NEW.step, NEW.health, NEW.owner_key, NEW.message, NEW.deleted_at IS NOT NULL);
  RETURN NULL;
END;
$$;

CREATE TRIGGER instances_record_event
  AFTER INSERT OR UPDATE OF phase, step, owner_key, deleted_at ON instances
  FOR EACH ROW EXECUTE FUNCTION envdeck_record_instance_event();

INSERT INTO instance_events (instance_id, at, phase, step, health, owner_key, message, deleted)
SELECT id, updated_at, phase, step, health, owner_key, message, deleted_at IS NOT NULL FROM instances;

-- The conditions Flux last reported for the instance's HelmRelease and chart source, as the worker read them
-- (type, status, reason, message, when they last changed): null until the worker has read any.
ALTER TABLE "instances" ADD COLUMN "conditions" JSONB;

-- The admin's list of every environment pages newest first.
CREATE INDEX "instances_created_at_idx" ON "instances"("created_at");
