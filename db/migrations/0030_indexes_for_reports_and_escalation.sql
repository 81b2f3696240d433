-- The dashboard's figures (lib/reports). The waiting list's size: under row-level security an enum's
-- `=` is not leakproof, so it cannot be a condition of inbound_emails_outcome_idx, but it can prove
-- this partial index's predicate. The share of service-level targets met: the tickets whose due
-- time fell in the range, or-ed (BitmapOr) with tickets_first_response_idx / tickets_closed_idx.
-- The escalation sweep (lib/tickets/escalation.ts) reads the targets not yet escalated, across tenants.
CREATE INDEX "inbound_emails_waiting_idx" ON "inbound_emails" USING btree ("tenant_id","division_id") WHERE "inbound_emails"."outcome" = 'waiting_list' and "inbound_emails"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "tickets_first_response_due_idx" ON "tickets" USING btree ("tenant_id","first_response_due_at") WHERE "tickets"."first_response_due_at" is not null and "tickets"."deleted_at" is null and "tickets"."merged_into_id" is null;--> statement-breakpoint
CREATE INDEX "tickets_resolution_due_idx" ON "tickets" USING btree ("tenant_id","resolution_due_at") WHERE "tickets"."resolution_due_at" is not null and "tickets"."deleted_at" is null and "tickets"."merged_into_id" is null;--> statement-breakpoint
CREATE INDEX "tickets_escalation_idx" ON "tickets" USING btree ("sla_due_at") WHERE "tickets"."sla_due_at" is not null and "tickets"."escalated_due_at" is distinct from "tickets"."sla_due_at" and "tickets"."deleted_at" is null and "tickets"."merged_into_id" is null;