CREATE TABLE "ticket_reads" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"ticket_id" uuid NOT NULL,
	"read_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ticket_reads_pkey" PRIMARY KEY("tenant_id","user_id","ticket_id")
);
--> statement-breakpoint
ALTER TABLE "ticket_reads" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ticket_search" (
	"tenant_id" uuid NOT NULL,
	"ticket_id" uuid PRIMARY KEY NOT NULL,
	"document" "tsvector" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ticket_search" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ticket_viewers" (
	"tenant_id" uuid NOT NULL,
	"ticket_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"replying" boolean DEFAULT false NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ticket_viewers_pkey" PRIMARY KEY("tenant_id","ticket_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "ticket_viewers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP INDEX "messages_ticket_idx";--> statement-breakpoint
DROP INDEX "tickets_queue_idx";--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "private_mail" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "status_code" smallint GENERATED ALWAYS AS (case status when 'open' then 1 when 'answered' then 2 when 'on_hold' then 3 else 4 end) STORED;--> statement-breakpoint
ALTER TABLE "ticket_reads" ADD CONSTRAINT "ticket_reads_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_reads" ADD CONSTRAINT "ticket_reads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_reads" ADD CONSTRAINT "ticket_reads_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_search" ADD CONSTRAINT "ticket_search_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_search" ADD CONSTRAINT "ticket_search_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_viewers" ADD CONSTRAINT "ticket_viewers_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_viewers" ADD CONSTRAINT "ticket_viewers_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_viewers" ADD CONSTRAINT "ticket_viewers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ticket_search_document_idx" ON "ticket_search" USING gin ("document");--> statement-breakpoint
CREATE INDEX "tickets_activity_idx" ON "tickets" USING btree ("tenant_id","updated_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "tickets"."deleted_at" is null and "tickets"."merged_into_id" is null;--> statement-breakpoint
CREATE INDEX "tickets_division_activity_idx" ON "tickets" USING btree ("tenant_id","division_id","updated_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "tickets"."deleted_at" is null and "tickets"."merged_into_id" is null;--> statement-breakpoint
CREATE INDEX "tickets_created_idx" ON "tickets" USING btree ("tenant_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "tickets"."deleted_at" is null and "tickets"."merged_into_id" is null;--> statement-breakpoint
CREATE INDEX "tickets_priority_idx" ON "tickets" USING btree ("tenant_id","priority" DESC NULLS FIRST,"updated_at" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE "tickets"."deleted_at" is null and "tickets"."merged_into_id" is null;--> statement-breakpoint
CREATE INDEX "tickets_status_idx" ON "tickets" USING btree ("tenant_id","status_code") WHERE "tickets"."deleted_at" is null and "tickets"."merged_into_id" is null;--> statement-breakpoint
CREATE INDEX "tickets_assignee_idx" ON "tickets" USING btree ("tenant_id","assignee_id","updated_at" DESC NULLS FIRST) WHERE "tickets"."deleted_at" is null and "tickets"."merged_into_id" is null;--> statement-breakpoint
CREATE INDEX "tickets_subject_trgm_idx" ON "tickets" USING gin (postdesk_fold("subject") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "messages_ticket_idx" ON "messages" USING btree ("tenant_id","ticket_id","created_at");--> statement-breakpoint
CREATE INDEX "tickets_queue_idx" ON "tickets" USING btree ("tenant_id","division_id","status_code") WHERE "tickets"."deleted_at" is null and "tickets"."merged_into_id" is null;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "ticket_reads" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "ticket_search" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "ticket_viewers" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
CREATE TRIGGER tickets_search_row AFTER INSERT OR UPDATE OF subject ON tickets
  FOR EACH ROW EXECUTE FUNCTION postdesk_ticket_search_row();--> statement-breakpoint
CREATE TRIGGER messages_search_insert AFTER INSERT ON messages REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION postdesk_messages_search();--> statement-breakpoint
CREATE TRIGGER messages_search_update AFTER UPDATE ON messages REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION postdesk_messages_search();--> statement-breakpoint
CREATE TRIGGER messages_search_delete AFTER DELETE ON messages REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION postdesk_messages_search();--> statement-breakpoint
INSERT INTO ticket_search (tenant_id, ticket_id, document)
  SELECT tenant_id, id, postdesk_ticket_search_vector(tenant_id, id, subject) FROM tickets;
