CREATE TABLE "division_holidays" (
	"tenant_id" uuid NOT NULL,
	"division_id" uuid NOT NULL,
	"day" date NOT NULL,
	CONSTRAINT "division_holidays_pkey" PRIMARY KEY("division_id","day")
);
--> statement-breakpoint
ALTER TABLE "division_holidays" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "divisions" ADD COLUMN "time_zone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE "divisions" ADD COLUMN "business_hours" jsonb;--> statement-breakpoint
ALTER TABLE "divisions" ADD COLUMN "first_response_target_minutes" integer;--> statement-breakpoint
ALTER TABLE "divisions" ADD COLUMN "resolution_target_minutes" integer;--> statement-breakpoint
ALTER TABLE "divisions" ADD COLUMN "escalate_before_minutes" integer DEFAULT 60 NOT NULL;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "first_response_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "first_response_by_id" uuid;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "first_response_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "resolution_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "sla_due_at" timestamp with time zone GENERATED ALWAYS AS (case when status = 'closed' then null when first_response_at is null then least(first_response_due_at, resolution_due_at) else resolution_due_at end) STORED;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "escalated_due_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "division_holidays" ADD CONSTRAINT "division_holidays_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "division_holidays" ADD CONSTRAINT "division_holidays_division_id_divisions_id_fk" FOREIGN KEY ("division_id") REFERENCES "public"."divisions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_first_response_by_id_users_id_fk" FOREIGN KEY ("first_response_by_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inbound_emails_received_idx" ON "inbound_emails" USING btree ("tenant_id","received_at");--> statement-breakpoint
CREATE INDEX "messages_outbound_idx" ON "messages" USING btree ("tenant_id","created_at") WHERE "messages"."direction" = 'outbound' and "messages"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "tickets_closed_idx" ON "tickets" USING btree ("tenant_id","closed_at") WHERE "tickets"."closed_at" is not null and "tickets"."deleted_at" is null and "tickets"."merged_into_id" is null;--> statement-breakpoint
CREATE INDEX "tickets_first_response_idx" ON "tickets" USING btree ("tenant_id","first_response_at") WHERE "tickets"."first_response_at" is not null and "tickets"."deleted_at" is null and "tickets"."merged_into_id" is null;--> statement-breakpoint
CREATE INDEX "tickets_sla_due_idx" ON "tickets" USING btree ("tenant_id","sla_due_at","id") WHERE "tickets"."sla_due_at" is not null and "tickets"."deleted_at" is null and "tickets"."merged_into_id" is null;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "division_holidays" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
-- The first reply of the tickets already answered: what the dashboard's first-response figures read.
UPDATE "tickets" t SET "first_response_at" = m.created_at, "first_response_by_id" = m.author_user_id
FROM (
  SELECT DISTINCT ON (ticket_id) ticket_id, created_at, author_user_id
  FROM "messages" WHERE direction = 'outbound' ORDER BY ticket_id, created_at
) m
WHERE m.ticket_id = t.id;
