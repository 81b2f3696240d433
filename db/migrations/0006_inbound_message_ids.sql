CREATE TABLE "inbound_message_ids" (
	"tenant_id" uuid NOT NULL,
	"message_id" text NOT NULL,
	"inbound_email_id" uuid NOT NULL,
	CONSTRAINT "inbound_message_ids_pkey" PRIMARY KEY("tenant_id","message_id")
);
--> statement-breakpoint
ALTER TABLE "inbound_message_ids" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "inbound_message_ids" ADD CONSTRAINT "inbound_message_ids_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_message_ids" ADD CONSTRAINT "inbound_message_ids_inbound_email_id_inbound_emails_id_fk" FOREIGN KEY ("inbound_email_id") REFERENCES "public"."inbound_emails"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "inbound_message_ids" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);--> statement-breakpoint
-- Mail processed before this table existed: its first delivery of each Message-ID holds the claim,
-- as the advisory lock that used to guard this decided.
INSERT INTO "inbound_message_ids" ("tenant_id", "message_id", "inbound_email_id")
SELECT DISTINCT ON ("tenant_id", "message_id") "tenant_id", "message_id", "id"
FROM "inbound_emails"
WHERE "message_id" IS NOT NULL AND "outcome" NOT IN ('pending', 'duplicate', 'unprocessed')
ORDER BY "tenant_id", "message_id", "processed_at", "received_at";
