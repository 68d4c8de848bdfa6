-- Envdeck initial schema: users, API tokens, templates and their versions, instances, catalogs,
-- settings and the audit log. Kept in step with prisma/schema.prisma by the schema drift test.

CREATE TYPE "Role" AS ENUM ('student', 'teacher', 'admin');
CREATE TYPE "AccountSource" AS ENUM ('local', 'oidc');
CREATE TYPE "TemplateIcon" AS ENUM ('terminal', 'desktop', 'code', 'book', 'database', 'box', 'web', 'default');
CREATE TYPE "LaunchMethod" AS ENUM ('on_demand', 'pool');
CREATE TYPE "PoolFallback" AS ENUM ('on_demand', 'refuse');
CREATE TYPE "ChartSourceType" AS ENUM ('git', 'helm', 'oci');
CREATE TYPE "InstancePhase" AS ENUM ('Pending', 'Provisioning', 'Ready', 'Available', 'Claimed', 'Expiring', 'Failed');

CREATE TABLE "users" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "username" VARCHAR(63) NOT NULL,
    "email" VARCHAR(320),
    "display_name" VARCHAR(200),
    "source" "AccountSource" NOT NULL DEFAULT 'local',
    "password_hash" VARCHAR(255),
    "roles" "Role"[] DEFAULT ARRAY['student']::"Role"[],
    "groups" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "disabled_at" TIMESTAMPTZ(3),
    "last_login_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "users_username_key" ON "users"("username");

CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "token_hash" CHAR(64) NOT NULL,
    "last_used_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");
CREATE INDEX "api_tokens_user_id_idx" ON "api_tokens"("user_id");

CREATE TABLE "templates" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" VARCHAR(63) NOT NULL,
    "display_name" VARCHAR(100) NOT NULL,
    "description" VARCHAR(2000) NOT NULL DEFAULT '',
    "icon" "TemplateIcon" NOT NULL DEFAULT 'default',
    "category" VARCHAR(100) NOT NULL DEFAULT '',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "visible" BOOLEAN NOT NULL DEFAULT true,
    "is_base" BOOLEAN NOT NULL DEFAULT false,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "annotations" JSONB NOT NULL DEFAULT '{}',
    "engine" VARCHAR(32) NOT NULL DEFAULT 'flux',
    "method" "LaunchMethod" NOT NULL DEFAULT 'on_demand',
    "pool_size" INTEGER NOT NULL DEFAULT 0,
    "pool_max_size" INTEGER NOT NULL DEFAULT 0,
    "pool_recycle" BOOLEAN NOT NULL DEFAULT true,
    "pool_fallback" "PoolFallback" NOT NULL DEFAULT 'on_demand',
    "ttl_seconds" INTEGER NOT NULL DEFAULT 14400,
    "ttl_extend_seconds" INTEGER NOT NULL DEFAULT 3600,
    "ttl_max_extends" INTEGER NOT NULL DEFAULT 3,
    "max_instances_per_user" INTEGER,
    "owner_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    CONSTRAINT "templates_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "templates_name_key" ON "templates"("name");
CREATE INDEX "templates_owner_id_idx" ON "templates"("owner_id");

CREATE TABLE "template_versions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "template_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "chart_type" "ChartSourceType" NOT NULL,
    "chart_repo_url" VARCHAR(2048) NOT NULL,
    "chart_path" VARCHAR(1024),
    "chart_name" VARCHAR(253),
    "chart_revision" VARCHAR(253),
    "values_template" TEXT NOT NULL DEFAULT '',
    "value_files" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "parameters" JSONB NOT NULL DEFAULT '{"type": "object", "properties": {}}',
    "connection_url_template" VARCHAR(2048),
    "owner_claim" VARCHAR(100) NOT NULL DEFAULT '',
    "extends_name" VARCHAR(63),
    "checksum" CHAR(64) NOT NULL,
    "message" VARCHAR(500) NOT NULL DEFAULT '',
    "author_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "template_versions_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "template_versions_template_id_version_key" ON "template_versions"("template_id", "version");

CREATE TABLE "instances" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "uuid" CHAR(8) NOT NULL,
    "template_id" UUID NOT NULL,
    "template_version_id" UUID NOT NULL,
    "owner_key" VARCHAR(63),
    "params" JSONB NOT NULL DEFAULT '{}',
    "values" JSONB NOT NULL DEFAULT '{}',
    "phase" "InstancePhase" NOT NULL DEFAULT 'Pending',
    "health" VARCHAR(32),
    "message" VARCHAR(4000),
    "namespace" VARCHAR(63),
    "url" VARCHAR(2048),
    "engine" VARCHAR(32) NOT NULL DEFAULT 'flux',
    "engine_ref" VARCHAR(253),
    "pooled" BOOLEAN NOT NULL DEFAULT false,
    "claimed_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "extend_count" INTEGER NOT NULL DEFAULT 0,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ready_at" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    CONSTRAINT "instances_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "instances_uuid_key" ON "instances"("uuid");
CREATE INDEX "instances_template_id_phase_idx" ON "instances"("template_id", "phase");
CREATE INDEX "instances_owner_key_idx" ON "instances"("owner_key");
CREATE INDEX "instances_expires_at_idx" ON "instances"("expires_at");

CREATE TABLE "catalogs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" VARCHAR(63) NOT NULL,
    "title" VARCHAR(100) NOT NULL,
    "description" VARCHAR(2000) NOT NULL DEFAULT '',
    "audience_groups" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "owner_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),
    CONSTRAINT "catalogs_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "catalogs_slug_key" ON "catalogs"("slug");
CREATE INDEX "catalogs_owner_id_idx" ON "catalogs"("owner_id");

CREATE TABLE "catalog_items" (
    "catalog_id" UUID NOT NULL,
    "template_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    CONSTRAINT "catalog_items_pkey" PRIMARY KEY ("catalog_id", "template_id")
);
CREATE INDEX "catalog_items_template_id_idx" ON "catalog_items"("template_id");

CREATE TABLE "settings" (
    "key" VARCHAR(100) NOT NULL,
    "value" JSONB NOT NULL,
    "updated_by_id" UUID,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "settings_pkey" PRIMARY KEY ("key")
);

CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_id" UUID,
    "actor_name" VARCHAR(63) NOT NULL,
    "action" VARCHAR(64) NOT NULL,
    "object_type" VARCHAR(32) NOT NULL,
    "object_id" VARCHAR(100),
    "before" JSONB,
    "after" JSONB,
    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "audit_events_at_idx" ON "audit_events"("at");
CREATE INDEX "audit_events_object_type_object_id_idx" ON "audit_events"("object_type", "object_id");

ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "templates" ADD CONSTRAINT "templates_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "template_versions" ADD CONSTRAINT "template_versions_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "templates"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "template_versions" ADD CONSTRAINT "template_versions_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "instances" ADD CONSTRAINT "instances_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "templates"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "instances" ADD CONSTRAINT "instances_template_version_id_fkey" FOREIGN KEY ("template_version_id") REFERENCES "template_versions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "catalogs" ADD CONSTRAINT "catalogs_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "catalog_items" ADD CONSTRAINT "catalog_items_catalog_id_fkey" FOREIGN KEY ("catalog_id") REFERENCES "catalogs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "catalog_items" ADD CONSTRAINT "catalog_items_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "templates"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
