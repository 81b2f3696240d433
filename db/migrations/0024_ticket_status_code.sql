DROP INDEX "tickets_queue_idx";--> statement-breakpoint
DROP INDEX "tickets_status_idx";--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "status_code" smallint GENERATED ALWAYS AS (case status when 'open' then 1 when 'answered' then 2 when 'on_hold' then 3 else 4 end) STORED;--> statement-breakpoint
CREATE INDEX "tickets_queue_idx" ON "tickets" USING btree ("tenant_id","division_id","status_code") WHERE "tickets"."deleted_at" is null and "tickets"."merged_into_id" is null;--> statement-breakpoint
CREATE INDEX "tickets_status_idx" ON "tickets" USING btree ("tenant_id","status_code") WHERE "tickets"."deleted_at" is null and "tickets"."merged_into_id" is null;