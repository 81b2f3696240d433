ALTER TYPE "public"."oauth_provider" ADD VALUE 'oidc';--> statement-breakpoint
CREATE TABLE "oauth_connect_requests" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"division_id" uuid NOT NULL,
	"mailbox_id" uuid,
	"provider" "oauth_provider" NOT NULL,
	"code_verifier_enc" text NOT NULL,
	"redirect_uri" text NOT NULL,
	"login_address" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "oauth_connect_requests" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "oauth_account" text;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "oauth_connected_by" uuid;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "oauth_connected_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "oauth_connect_requests" ADD CONSTRAINT "oauth_connect_requests_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oauth_connect_requests" ADD CONSTRAINT "oauth_connect_requests_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oauth_connect_requests" ADD CONSTRAINT "oauth_connect_requests_division_id_divisions_id_fk" FOREIGN KEY ("division_id") REFERENCES "public"."divisions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oauth_connect_requests" ADD CONSTRAINT "oauth_connect_requests_mailbox_id_mailboxes_id_fk" FOREIGN KEY ("mailbox_id") REFERENCES "public"."mailboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD CONSTRAINT "mailboxes_oauth_connected_by_users_id_fk" FOREIGN KEY ("oauth_connected_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "tenant_isolation" ON "oauth_connect_requests" AS PERMISSIVE FOR ALL TO public USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);