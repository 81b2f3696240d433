import { schedules } from "@trigger.dev/sdk";
import { getDb } from "@/db";
import { keepTokensAlive } from "@/lib/dispatch/token-keepalive";

/** Hourly: OAuth2 grants of mailboxes nobody polls are refreshed weekly, and a lost one is reported. */
export const tokenKeepaliveTask = schedules.task({
  id: "token-keepalive",
  cron: "30 * * * *",
  run: async () => keepTokensAlive(await getDb(), { now: new Date() }),
});
