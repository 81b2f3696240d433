import { schedules } from "@trigger.dev/sdk";
import { getDb } from "@/db";
import { loadStoredOrigin } from "@/lib/app-url";
import { keepTokensAlive } from "@/lib/dispatch/token-keepalive";

/** Hourly: OAuth2 grants of mailboxes nobody polls are refreshed weekly, and a lost one is reported. */
export const tokenKeepaliveTask = schedules.task({
  id: "token-keepalive",
  cron: "30 * * * *",
  run: async () => {
    const db = await getDb();
    // A lost grant is reported by mail, with a link to the mailbox's page.
    await loadStoredOrigin(db);
    return keepTokensAlive(db, { now: new Date() });
  },
});
