DROP INDEX "tickets_subject_idx";--> statement-breakpoint
CREATE INDEX "tickets_subject_idx" ON "tickets" USING btree ("division_id",md5("normalized_subject"));