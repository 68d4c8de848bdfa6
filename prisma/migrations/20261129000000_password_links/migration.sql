-- Set-password links: an admin creates a local account (or resets its password) and hands its owner a link
-- instead of a password. Only a sha256 of the link's secret is kept, like API tokens; a link works once and
-- until it expires, and using one (or creating a newer one) ends the others of the same account.
CREATE TABLE "password_links" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "token_hash" CHAR(64) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "password_links_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "password_links_token_hash_key" ON "password_links"("token_hash");
CREATE INDEX "password_links_user_id_idx" ON "password_links"("user_id");
ALTER TABLE "password_links" ADD CONSTRAINT "password_links_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
