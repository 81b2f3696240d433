import { idempotencyKeys, schedules } from "@trigger.dev/sdk";
import { getDb } from "@/db";
import { dispatchPlan } from "@/lib/dispatch/plan";
import { pollMailboxTask } from "./poll-mailbox";

/** Items per batchTrigger call: the SDK's limit (1,000 since 4.3.1). */
export const BATCH_TRIGGER_LIMIT = 1_000;

/**
 * Every minute: one poll-mailbox run per due mailbox. The schedule's own timestamp picks the slot,
 * so a retried dispatch asks for the same runs and the idempotency keys turn the repeats away.
 */
export const dispatchTask = schedules.task({
  id: "dispatch",
  cron: "* * * * *",
  run: async (payload) => {
    const plan = await dispatchPlan(await getDb(), { now: payload.timestamp });
    for (let start = 0; start < plan.length; start += BATCH_TRIGGER_LIMIT) {
      const items = await Promise.all(
        plan.slice(start, start + BATCH_TRIGGER_LIMIT).map(async (poll) => ({
          payload: poll.payload,
          options: {
            concurrencyKey: poll.concurrencyKey,
            idempotencyKey: await idempotencyKeys.create(poll.idempotencyKey, { scope: "global" }),
          },
        })),
      );
      await pollMailboxTask.batchTrigger(items);
    }
    return { dispatched: plan.length };
  },
});
