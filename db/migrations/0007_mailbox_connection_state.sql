CREATE TYPE "public"."mailbox_connection_state" AS ENUM('new', 'connected', 'backoff', 'authFailed', 'needsReconnect');--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "connection_state" "mailbox_connection_state" DEFAULT 'new' NOT NULL;--> statement-breakpoint
-- Mailboxes that existed before the column: their state follows from what the last poll left behind.
-- A refused login is `authFailed` (tried again rarely), any other recorded error `backoff`, a mailbox
-- polled without an error since `connected`; one never polled keeps the default `new`.
UPDATE "mailboxes" SET "connection_state" = CASE
  WHEN "last_error_code" = 'loginFailed' THEN 'authFailed'::"mailbox_connection_state"
  WHEN "last_error_code" IS NOT NULL THEN 'backoff'::"mailbox_connection_state"
  ELSE 'connected'::"mailbox_connection_state"
END
WHERE "last_error_code" IS NOT NULL OR "last_poll_at" IS NOT NULL;
