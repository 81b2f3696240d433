ALTER TYPE "public"."account_mail_kind" ADD VALUE 'invite';--> statement-breakpoint
ALTER TYPE "public"."role" ADD VALUE 'light';--> statement-breakpoint
CREATE TABLE "instance_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- Not tenant data: the app role, bound to a tenant, has no business there.
REVOKE ALL ON "instance_settings" FROM postdesk_app;--> statement-breakpoint
CREATE TABLE "member_default_mailboxes" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"division_id" uuid NOT NULL,
	"mailbox_id" uuid NOT NULL,
	CONSTRAINT "member_default_mailboxes_user_id_division_id_pk" PRIMARY KEY("user_id","division_id")
);
--> statement-breakpoint
ALTER TABLE "member_default_mailboxes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "default_priority" "ticket_priority" DEFAULT 'normal' NOT NULL;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "default_tags" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "default_assignee_id" uuid;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "removed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "deactivated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "mailbox_id" uuid;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "signature_html" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "signature_text" text;--> statement-breakpoint
ALTER TABLE "member_default_mailboxes" ADD CONSTRAINT "member_default_mailboxes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_default_mailboxes" ADD CONSTRAINT "member_default_mailboxes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_default_mailboxes" ADD CONSTRAINT "member_default_mailboxes_division_id_divisions_id_fk" FOREIGN KEY ("division_id") REFERENCES "public"."divisions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_default_mailboxes" ADD CONSTRAINT "member_default_mailboxes_mailbox_id_mailboxes_id_fk" FOREIGN KEY ("mailbox_id") REFERENCES "public"."mailboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD CONSTRAINT "mailboxes_default_assignee_id_users_id_fk" FOREIGN KEY ("default_assignee_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_mailbox_id_mailboxes_id_fk" FOREIGN KEY ("mailbox_id") REFERENCES "public"."mailboxes"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
-- One default account per division: keep the oldest of any that were marked twice.
UPDATE "mailboxes" SET "is_default" = false WHERE "is_default" AND "id" NOT IN (
	SELECT DISTINCT ON ("division_id") "id" FROM "mailboxes" WHERE "is_default" ORDER BY "division_id", "created_at", "id"
);--> statement-breakpoint
-- A ticket belongs to the mailbox whose mail created it: its first message's.
UPDATE "tickets" SET "mailbox_id" = origin."mailbox_id" FROM (
	SELECT DISTINCT ON (m."ticket_id") m."ticket_id", e."mailbox_id"
	FROM "messages" m JOIN "inbound_emails" e ON e."id" = m."inbound_email_id"
	ORDER BY m."ticket_id", m."created_at", m."id"
) origin WHERE origin."ticket_id" = "tickets"."id" AND origin."mailbox_id" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "mailboxes_division_default_key" ON "mailboxes" USING btree ("division_id") WHERE "mailboxes"."is_default";--> statement-breakpoint
CREATE INDEX "tickets_mailbox_idx" ON "tickets" USING btree ("tenant_id","mailbox_id") WHERE "tickets"."mailbox_id" is not null;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "member_default_mailboxes" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);