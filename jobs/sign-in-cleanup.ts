import { schedules } from "@trigger.dev/sdk";
import { getDb } from "@/db";
import { forgetSignIns } from "@/lib/auth/cleanup";

/** Hourly: expired sessions and stale sign-in throttle records are deleted, the throttle's table capped. */
export const signInCleanupTask = schedules.task({
  id: "sign-in-cleanup",
  cron: "45 * * * *",
  run: async () => forgetSignIns(await getDb(), { now: new Date() }),
});
