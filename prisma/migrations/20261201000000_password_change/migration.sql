-- A one-time password works once: an account given one by an admin (created, imported or reset) must choose
-- its own password before it can do anything else. Set-password links and a password the owner chose clear it.
ALTER TABLE "users" ADD COLUMN "password_change_required" BOOLEAN NOT NULL DEFAULT false;
