import { schedules } from "@trigger.dev/sdk";
import { getDb } from "@/db";
import { sendOutbox } from "@/lib/outbox/send";

/** Every minute: sends what the outbox holds. Overlapping runs are safe: each row is claimed once. */
export const sendOutboxTask = schedules.task({
  id: "send-outbox",
  cron: "* * * * *",
  run: async (_payload, { signal }) => sendOutbox(await getDb(), { signal }),
});
