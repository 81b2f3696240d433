-- A request started before this column has no nonce to check its ID token against; requests live
-- ten minutes, so any in flight are dropped and the user starts the connect again.
DELETE FROM "oauth_connect_requests";--> statement-breakpoint
ALTER TABLE "oauth_connect_requests" ADD COLUMN "nonce_enc" text NOT NULL;
