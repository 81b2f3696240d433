-- The role tenant work runs as (`SET LOCAL ROLE postdesk_app` in db/tenant.ts). It owns nothing and
-- cannot bypass row-level security, so the tenant_isolation policies bind it even when a query
-- forgets its tenant filter. Roles are cluster-wide: create it only when another database of the
-- same server has not already done so.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'postdesk_app') THEN
    CREATE ROLE postdesk_app NOLOGIN NOBYPASSRLS;
  END IF;
END
$$;--> statement-breakpoint
-- The connecting user (the tables' owner) must be a member to SET ROLE to it; superusers already can.
DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT postdesk_app TO %I', current_user);
  END IF;
END
$$;--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO postdesk_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO postdesk_app;--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO postdesk_app;--> statement-breakpoint
-- Tables of later migrations get the same grants without repeating them.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO postdesk_app;--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO postdesk_app;--> statement-breakpoint
-- Sign-in throttling happens before any tenant is known: the app role has no business there.
REVOKE ALL ON sign_in_failures FROM postdesk_app;
