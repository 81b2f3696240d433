import { schedules } from "@trigger.dev/sdk";
import { getDb } from "@/db";
import { loadStoredOrigin } from "@/lib/app-url";
import { sendAccountMail } from "@/lib/outbox/account-mail";
import { sendOutbox } from "@/lib/outbox/send";

/**
 * Every minute: sends what the outbox holds, and the mail about accounts (sign-up links, password
 * resets) still due. Overlapping runs are safe: each row is claimed once.
 */
export const sendOutboxTask = schedules.task({
  id: "send-outbox",
  cron: "* * * * *",
  run: async (_payload, { signal }) => {
    const db = await getDb();
    // Account mail's sender, without POSTDESK_MAIL_FROM, is no-reply at the public address's host.
    await loadStoredOrigin(db);
    return { outbox: await sendOutbox(db, { signal }), accountMail: await sendAccountMail(db, { signal }) };
  },
});
