-- The step of provisioning Flux last reported for an instance (applying, fetching, installing, ready), so the
-- launch progress timeline shows where it is, and where it stopped when it failed.
ALTER TABLE "instances" ADD COLUMN "step" VARCHAR(16);
