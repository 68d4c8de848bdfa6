-- Warm-ups: a teacher books N warm environments of a pool template for a class, from a start to an end time,
-- once or weekly until a last date. Times are stored as instants with the zone they were entered in, so a
-- weekly booking keeps its local wall-clock time across a daylight-saving change. last_ends_at is the end of
-- the last occurrence: the pool controller reads the bookings of a template that are not over yet.
CREATE TABLE "warm_ups" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "class_id" UUID NOT NULL,
    "template_id" UUID NOT NULL,
    "size" INTEGER NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "time_zone" VARCHAR(64) NOT NULL,
    "weekly_until" DATE,
    "last_ends_at" TIMESTAMPTZ(3) NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cancelled_at" TIMESTAMPTZ(3),
    CONSTRAINT "warm_ups_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "warm_ups_template_id_last_ends_at_idx" ON "warm_ups"("template_id", "last_ends_at");
CREATE INDEX "warm_ups_class_id_idx" ON "warm_ups"("class_id");
ALTER TABLE "warm_ups" ADD CONSTRAINT "warm_ups_class_id_fkey" FOREIGN KEY ("class_id") REFERENCES "classes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "warm_ups" ADD CONSTRAINT "warm_ups_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "templates"("id") ON DELETE CASCADE ON UPDATE CASCADE;
