ALTER TABLE "mailboxes" ADD COLUMN "idle_since" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "inbound_emails_mailbox_received_idx" ON "inbound_emails" USING btree ("mailbox_id","received_at");--> statement-breakpoint
CREATE INDEX "tickets_answered_idx" ON "tickets" USING btree ("answered_at") WHERE "tickets"."status" = 'answered';