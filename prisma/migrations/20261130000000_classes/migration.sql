-- Classes: rosters students join with a code (or through identity-provider groups), their teachers, and the
-- classes a catalog is for. Join codes that match nothing are counted per user to slow guessing down.
-- Templates gain teacher_access (teachers may open their students' environments, each opening audited) and
-- catalog items a note for students.
CREATE TABLE "classes" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" VARCHAR(40) NOT NULL,
    "title" VARCHAR(100) NOT NULL,
    "term" VARCHAR(50) NOT NULL DEFAULT '',
    "groups" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "join_code" VARCHAR(16),
    "join_code_expires_at" TIMESTAMPTZ(3),
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "archived_at" TIMESTAMPTZ(3),
    CONSTRAINT "classes_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "classes_slug_key" ON "classes"("slug");
CREATE UNIQUE INDEX "classes_join_code_key" ON "classes"("join_code");

CREATE TABLE "class_teachers" (
    "class_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "class_teachers_pkey" PRIMARY KEY ("class_id","user_id")
);
CREATE INDEX "class_teachers_user_id_idx" ON "class_teachers"("user_id");
ALTER TABLE "class_teachers" ADD CONSTRAINT "class_teachers_class_id_fkey" FOREIGN KEY ("class_id") REFERENCES "classes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "class_teachers" ADD CONSTRAINT "class_teachers_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "class_members" (
    "class_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "via" VARCHAR(16) NOT NULL,
    "joined_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "class_members_pkey" PRIMARY KEY ("class_id","user_id")
);
CREATE INDEX "class_members_user_id_idx" ON "class_members"("user_id");
ALTER TABLE "class_members" ADD CONSTRAINT "class_members_class_id_fkey" FOREIGN KEY ("class_id") REFERENCES "classes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "class_members" ADD CONSTRAINT "class_members_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "catalog_classes" (
    "catalog_id" UUID NOT NULL,
    "class_id" UUID NOT NULL,
    CONSTRAINT "catalog_classes_pkey" PRIMARY KEY ("catalog_id","class_id")
);
CREATE INDEX "catalog_classes_class_id_idx" ON "catalog_classes"("class_id");
ALTER TABLE "catalog_classes" ADD CONSTRAINT "catalog_classes_catalog_id_fkey" FOREIGN KEY ("catalog_id") REFERENCES "catalogs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "catalog_classes" ADD CONSTRAINT "catalog_classes_class_id_fkey" FOREIGN KEY ("class_id") REFERENCES "classes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "join_attempts" (
    "id" BIGSERIAL NOT NULL,
    "user_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "join_attempts_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "join_attempts_user_id_at_idx" ON "join_attempts"("user_id", "at");

ALTER TABLE "catalog_items" ADD COLUMN "note" VARCHAR(300) NOT NULL DEFAULT '';
ALTER TABLE "templates" ADD COLUMN "teacher_access" BOOLEAN NOT NULL DEFAULT false;
