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
 * How long a run goes on draining a backlog, batch after batch: well inside `maxDuration`, so the
 * run ends before its time does. What is left is due at once (poll-state.ts `more`) and the next
 * dispatch, a minute later at most, starts another run on it.
 */
export const RUN_DRAIN_MS = 4 * 60_000;

/**
 * Polls under the mailbox's lease: when another worker (the embedded runner, another run) holds
 * it, nothing happens. A poll that stops at its batch limit with more mail waiting is followed by
 * another at once, for up to RUN_DRAIN_MS, so a backlog drains at pipeline speed rather than a
 * batch per dispatch. The lease is given back however the polls end. Returns the last poll's result.
 */
export async function pollLeasedMailbox(
  db: Database,
  input: { tenantId: string; mailboxId: string; owner: string; now?: () => Date; drainMs?: number },
): Promise<PollResult | { skipped: "busy" }> {
  const now = input.now ?? (() => new Date());
  const { tenantId, mailboxId, owner } = input;
  if (!(await takeLease(db, { mailboxId, owner, now: now(), leaseMs: RUN_LEASE_MS }))) return { skipped: "busy" };
  const started = Date.now();
  try {
    for (;;) {
      const result = await pollMailbox(db, { tenantId, mailboxId, now });
      if (!result.ok || !result.more || Date.now() - started >= (input.drainMs ?? RUN_DRAIN_MS)) return result;
    }
  } finally {
    await releaseLease(db, { mailboxId, owner });
  }
}
