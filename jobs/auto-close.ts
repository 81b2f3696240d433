import { schedules } from "@trigger.dev/sdk";
import { getDb } from "@/db";
import { autoCloseTickets } from "@/lib/tickets/auto-close";

/** Every 15 minutes: closes answered tickets by their division's auto-close days. */
export const autoCloseTask = schedules.task({
  id: "auto-close",
  cron: "*/15 * * * *",
  run: async () => autoCloseTickets(await getDb(), { now: new Date() }),
});
