-- How students reach an environment: `web` opens its URL, `instructions` shows a text rendered at launch
-- from the template's message template (Liquid, with the context of the connection URL), for environments
-- reached some other way (ssh, a database client, a VNC viewer). The template row holds the type and the
-- message template, edited in place with the other operational fields; the instance keeps the message it
-- was launched with, so a later edit never changes what a running environment shows.
CREATE TYPE "ConnectionType" AS ENUM ('web', 'instructions');
ALTER TABLE "templates" ADD COLUMN "connection_type" "ConnectionType" NOT NULL DEFAULT 'web';
ALTER TABLE "templates" ADD COLUMN "connection_message_template" VARCHAR(4000) NOT NULL DEFAULT '';
ALTER TABLE "instances" ADD COLUMN "connection_message" VARCHAR(8000);
