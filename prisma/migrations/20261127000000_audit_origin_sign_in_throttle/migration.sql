-- Where each audit entry came from: the client's address and user agent, when a person acted through the web
-- (the worker's own entries have neither). The trail is filtered by action over a time range, so that pair
-- is indexed.
ALTER TABLE "audit_events" ADD COLUMN "source_address" VARCHAR(45);
ALTER TABLE "audit_events" ADD COLUMN "user_agent" VARCHAR(500);
CREATE INDEX "audit_events_action_at_idx" ON "audit_events"("action", "at");

-- Sign-in throttling, kept here so it holds across web replicas: one row per password check of a local
-- account, counted per username (accounts that do not exist too, so the answer never tells them apart) and
-- per address (an IPv4 address or an IPv6 /64). A row counts while its check runs (`failed` false) and, for
-- the address, once the password proved wrong. A successful sign-in deletes its account's rows; the worker
-- deletes rows older than the throttling window.
CREATE TABLE "sign_in_attempts" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "username" VARCHAR(63) NOT NULL,
    "address_key" VARCHAR(64),
    "failed" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "sign_in_attempts_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "sign_in_attempts_username_at_idx" ON "sign_in_attempts"("username", "at");
CREATE INDEX "sign_in_attempts_address_key_at_idx" ON "sign_in_attempts"("address_key", "at");
CREATE INDEX "sign_in_attempts_at_idx" ON "sign_in_attempts"("at");
