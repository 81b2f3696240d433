import { schemaTask } from "@trigger.dev/sdk";
import { z } from "zod";
import { getDb } from "@/db";
import { loadStoredOrigin } from "@/lib/app-url";
import { pollLeasedMailbox } from "@/lib/dispatch/poll-leased";

export const pollMailboxPayload = z.object({ tenantId: z.uuid(), mailboxId: z.uuid() });

/**
 * Polls one mailbox. Dispatch passes the mailbox id as the concurrency key, so one mailbox is polled
 * by one run at a time; the lease (owned by this run) keeps the embedded runner out as well.
 */
export const pollMailboxTask = schemaTask({
  id: "poll-mailbox",
  schema: pollMailboxPayload,
  concurrency: { perKey: 1 },
  run: async (payload, { ctx }) => {
    const db = await getDb();
    // Notifications of new tickets link to them: at the address the web app was first seen at.
    await loadStoredOrigin(db);
    return pollLeasedMailbox(db, { ...payload, owner: ctx.run.id });
  },
});
