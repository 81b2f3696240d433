import { schedules } from "@trigger.dev/sdk";
import { getDb } from "@/db";
import { purgeExpiredTrash } from "@/lib/trash/retention";

/** Hourly: what has been in a division's trash longer than its retention is deleted for good. */
export const trashRetentionTask = schedules.task({
  id: "trash-retention",
  cron: "15 * * * *",
  run: async () => purgeExpiredTrash(await getDb(), { now: new Date() }),
});
