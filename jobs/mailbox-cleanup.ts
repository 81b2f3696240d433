import { schedules } from "@trigger.dev/sdk";
import { getDb } from "@/db";
import { cleanupMailboxes } from "@/lib/dispatch/cleanup";

/** Hourly: POP3 "remove from the server after N days", under each mailbox's lease (owned by this run). */
export const mailboxCleanupTask = schedules.task({
  id: "mailbox-cleanup",
  cron: "0 * * * *",
  run: async (_payload, { ctx }) => cleanupMailboxes(await getDb(), { now: new Date(), owner: ctx.run.id }),
});
