-- The escalation email's template kind (lib/tickets/escalation.ts). A value added to an enum cannot
-- be used in the transaction that adds it, so nothing here uses it: divisions get no stored template
-- of the kind, and send the built-in text (templateFor's fallback) until an admin writes one.
ALTER TYPE "public"."template_kind" ADD VALUE 'notify_escalation' BEFORE 'mass_mail';--> statement-breakpoint
-- When a reopened ticket's targets started again (lib/divisions/service-targets.ts); null: since its creation.
ALTER TABLE "tickets" ADD COLUMN "targets_started_at" timestamp with time zone;
