-- Who may see a ticket follows the mailbox whose mail created it (tickets.mailbox_id). A member
-- who is neither owner nor admin and lacks "access to other operators' email accounts" may not see
-- the tickets of other operators' personal mailboxes, nor those of mailboxes given to a team they are
-- not in. Being its assignee does not open a ticket: visibility that followed the assignee would make
-- handing a ticket on impossible (an update's new row must stay visible to whoever writes it), so
-- tickets are given only to members who may see them (lib/tickets/assign.ts).
--
-- This function lists the mailboxes hidden from one member of the tenant the transaction is bound
-- to. It runs as the tables' owner and reads the tenant the policies read, so it sees exactly what
-- the caller's transaction may.
CREATE FUNCTION postdesk_hidden_mailboxes_of(the_user uuid) RETURNS uuid[]
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
  WITH member AS (
    SELECT nullif(current_setting('app.tenant_id', true), '')::uuid AS tenant_id, the_user AS user_id
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
-- The member the transaction is bound to (db/tenant.ts sets app.user_id); none for the operator (CLI,
-- background jobs), who sees everything. The policies call it as `(select postdesk_hidden_mailboxes())`,
-- an InitPlan: once per statement, not once per row.
CREATE FUNCTION postdesk_hidden_mailboxes() RETURNS uuid[]
  LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
  SELECT postdesk_hidden_mailboxes_of(nullif(current_setting('app.user_id', true), '')::uuid)
$$;--> statement-breakpoint
-- Restrictive: on top of tenant isolation. For select: what a member may not see, they cannot update
-- or delete either, since those read the rows first. Each starts with the test that settles it for
-- work bound to no member, so that the function (an InitPlan, run only when first needed) is not
-- even called for the operator's work, the bulk of all statements (ingest, sending, chores).
CREATE POLICY "mailbox_access" ON "tickets" AS RESTRICTIVE FOR SELECT TO public USING (
  nullif(current_setting('app.user_id', true), '') IS NULL
  OR cardinality((SELECT postdesk_hidden_mailboxes())) = 0
  OR "mailbox_id" IS NULL
  OR NOT ("mailbox_id" = ANY ((SELECT postdesk_hidden_mailboxes())::uuid[]))
);--> statement-breakpoint
-- A message of a ticket one may not see is not seen either (the mail reader, attachments by id).
CREATE POLICY "mailbox_access" ON "messages" AS RESTRICTIVE FOR SELECT TO public USING (
  nullif(current_setting('app.user_id', true), '') IS NULL
  OR cardinality((SELECT postdesk_hidden_mailboxes())) = 0
  OR EXISTS (SELECT 1 FROM "tickets" t WHERE t."id" = "messages"."ticket_id")
);
--> statement-breakpoint
-- Mail that made no ticket (the waiting list, set-aside mail) follows its mailbox the same way.
CREATE POLICY "mailbox_access" ON "inbound_emails" AS RESTRICTIVE FOR SELECT TO public USING (
  nullif(current_setting('app.user_id', true), '') IS NULL
  OR cardinality((SELECT postdesk_hidden_mailboxes())) = 0
  OR "mailbox_id" IS NULL
  OR NOT ("mailbox_id" = ANY ((SELECT postdesk_hidden_mailboxes())::uuid[]))
);
