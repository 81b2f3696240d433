import { schedules } from "@trigger.dev/sdk";
import { getDb } from "@/db";
import { escalateServiceLevels } from "@/lib/tickets/escalation";

/** Every minute: the escalation email of each ticket about to miss its service-level target. */
export const serviceLevelsTask = schedules.task({
  id: "service-levels",
  cron: "* * * * *",
  run: async () => escalateServiceLevels(await getDb(), { now: new Date() }),
});
