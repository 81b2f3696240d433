-- The size limit is a division setting people type in megabytes, as the form shows it.
ALTER TABLE "divisions" DROP COLUMN "max_mail_size_bytes";--> statement-breakpoint
ALTER TABLE "divisions" ADD COLUMN "max_mail_size_megabytes" integer DEFAULT 25 NOT NULL;
