-- Class templates: an admin opens a system base template to teachers and lists the value paths they may
-- change; a teacher's class template extends such a base (templates.owner_id names the teacher).
ALTER TABLE "templates" ADD COLUMN "teacher_extensible" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "templates" ADD COLUMN "teacher_value_paths" TEXT[] DEFAULT ARRAY[]::TEXT[];
