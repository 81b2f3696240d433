-- Who may see a ticket follows the mailbox whose mail created it (tickets.mailbox_id). A member
-- bound to a transaction (db/tenant.ts sets app.user_id) who is neither owner nor admin and lacks
-- "access to other operators' email accounts" may not see the tickets of other operators' personal
-- mailboxes, nor those of mailboxes given to a team they are not in, unless the ticket is assigned
-- to them. The operator (CLI, background jobs: no app.user_id) sees everything.
--
-- This function lists those hidden mailboxes. It runs as the tables' owner with the tenant and user
-- the policies read, so it sees exactly what the caller's transaction is bound to. The policies call
-- it as `(select postdesk_hidden_mailboxes())`, an InitPlan: once per statement, not once per row.
CREATE FUNCTION postdesk_hidden_mailboxes() RETURNS uuid[]
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  WITH member AS (
    SELECT nullif(current_setting('app.tenant_id', true), '')::uuid AS tenant_id,
           nullif(current_setting('app.user_id', true), '')::uuid AS user_id
  )
  SELECT coalesce(array_agg(mb.id), '{}'::uuid[])
  FROM member, mailboxes mb
  WHERE member.user_id IS NOT NULL
    AND mb.tenant_id = member.tenant_id
    AND NOT EXISTS (
      SELECT 1 FROM memberships m
      WHERE m.tenant_id = member.tenant_id AND m.user_id = member.user_id
        AND (m.role IN ('owner', 'admin') OR m.may_read_others_mailboxes)
    )
    AND CASE
      WHEN mb.owner_user_id IS NOT NULL THEN mb.owner_user_id <> member.user_id
      WHEN mb.team_id IS NOT NULL THEN NOT EXISTS (
        SELECT 1 FROM team_members tm WHERE tm.team_id = mb.team_id AND tm.user_id = member.user_id
      )
      ELSE false
    END
$$;--> statement-breakpoint
-- Restrictive: on top of tenant isolation. For select only: what a member may not see, they cannot
-- update or delete either (those read the rows first), while a ticket they hand to someone else,
-- and so no longer see, is still theirs to write.
CREATE POLICY "mailbox_access" ON "tickets" AS RESTRICTIVE FOR SELECT TO public USING (
  cardinality((SELECT postdesk_hidden_mailboxes())) = 0
  OR "mailbox_id" IS NULL
  OR "assignee_id" = nullif(current_setting('app.user_id', true), '')::uuid
  OR NOT ("mailbox_id" = ANY ((SELECT postdesk_hidden_mailboxes())::uuid[]))
);--> statement-breakpoint
-- A message of a ticket one may not see is not seen either (the mail reader, attachments by id).
CREATE POLICY "mailbox_access" ON "messages" AS RESTRICTIVE FOR SELECT TO public USING (
  cardinality((SELECT postdesk_hidden_mailboxes())) = 0
  OR EXISTS (SELECT 1 FROM "tickets" t WHERE t."id" = "messages"."ticket_id")
);
