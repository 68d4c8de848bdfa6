-- Templates that fail validation (at save or at start-up) keep the reason and stay out of the catalog;
-- versions record which parent chain they were built on, so a change to a base re-versions its children.
ALTER TABLE "templates" ADD COLUMN "validation_error" VARCHAR(4000);
ALTER TABLE "template_versions" ADD COLUMN "base_checksum" CHAR(64);
