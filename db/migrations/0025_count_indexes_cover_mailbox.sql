-- The tab counts are index-only scans of tickets_status_idx and tickets_queue_idx. Migration 0024's
-- policy reads tickets.mailbox_id, so without it in the index every counted ticket is read from the
-- table as well (measured at a million tickets: queue page 1 at 37 ms instead of 22 ms). Carried as
-- an INCLUDE column, which db/schema.ts cannot spell: the schema keeps the key columns.
CREATE INDEX "tickets_status_cover_idx" ON "tickets" USING btree ("tenant_id", "status_code") INCLUDE ("mailbox_id")
  WHERE "tickets"."deleted_at" IS NULL AND "tickets"."merged_into_id" IS NULL;--> statement-breakpoint
CREATE INDEX "tickets_queue_cover_idx" ON "tickets" USING btree ("tenant_id", "division_id", "status_code") INCLUDE ("mailbox_id")
  WHERE "tickets"."deleted_at" IS NULL AND "tickets"."merged_into_id" IS NULL;--> statement-breakpoint
DROP INDEX "tickets_status_idx";--> statement-breakpoint
DROP INDEX "tickets_queue_idx";--> statement-breakpoint
ALTER INDEX "tickets_status_cover_idx" RENAME TO "tickets_status_idx";--> statement-breakpoint
ALTER INDEX "tickets_queue_cover_idx" RENAME TO "tickets_queue_idx";
