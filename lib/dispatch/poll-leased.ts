import type { Database } from "@/db/client";
import { type PollResult, pollMailbox } from "./poll";
import { releaseLease, takeLease } from "./lease";

/**
 * How long a Trigger.dev run's lease lasts. A run does not renew its lease: it takes one that
 * outlasts the run itself (trigger.config.ts `maxDuration`, 300 s), so an embedded worker on the
 * same database never polls beside it.
 */
export const RUN_LEASE_MS = 6 * 60_000;

/**
 * One poll under the mailbox's lease: when another worker (the embedded runner, another run) holds
 * it, nothing happens. The lease is given back however the poll ends.
 */
export async function pollLeasedMailbox(
  db: Database,
  input: { tenantId: string; mailboxId: string; owner: string; now?: () => Date },
): Promise<PollResult | { skipped: "busy" }> {
  const now = input.now ?? (() => new Date());
  const { tenantId, mailboxId, owner } = input;
  if (!(await takeLease(db, { mailboxId, owner, now: now(), leaseMs: RUN_LEASE_MS }))) return { skipped: "busy" };
  try {
    return await pollMailbox(db, { tenantId, mailboxId, now });
  } finally {
    await releaseLease(db, { mailboxId, owner });
  }
}
