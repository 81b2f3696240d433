import type { Database } from "@/db/client";
import { cleanupMailboxes } from "./cleanup";
import { keepTokensAlive } from "./token-keepalive";
import { forgetSignIns } from "@/lib/auth/cleanup";
import { sendAccountMail } from "@/lib/outbox/account-mail";
import { sendOutbox } from "@/lib/outbox/send";
import { autoCloseTickets } from "@/lib/tickets/auto-close";
import { escalateServiceLevels } from "@/lib/tickets/escalation";
import { purgeExpiredTrash } from "@/lib/trash/retention";

/**
 * The periodic work besides polling, on the schedules the Trigger.dev tasks have (jobs/): each is
 * safe to run in several workers at once (the outbox claims rows, auto-close only closes what is
 * still answered, escalation claims each ticket's due time before mailing, cleanup takes each
 * mailbox's lease, a token is refreshed under its mailbox's lock, forgetting sign-ins only deletes
 * what has run out, the trash's retention locks what it purges).
 */
export type Chore = "send" | "autoClose" | "escalate" | "cleanup" | "tokens" | "signIns" | "trash";

export const CHORE_EVERY_MS: Record<Chore, number> = {
  send: 10_000,
  autoClose: 15 * 60_000,
  escalate: 60_000,
  cleanup: 60 * 60_000,
  tokens: 60 * 60_000,
  signIns: 60 * 60_000,
  trash: 60 * 60_000,
};

const run: Record<Chore, (db: Database, input: { now: () => Date; owner: string }) => Promise<unknown>> = {
  // The companies' outbox, and the mail about accounts that the requests did not get out themselves.
  send: async (db, { now }) => [await sendOutbox(db, { now }), await sendAccountMail(db, { now })],
  autoClose: (db, { now }) => autoCloseTickets(db, { now: now() }),
  escalate: (db, { now }) => escalateServiceLevels(db, { now: now() }),
  cleanup: (db, { now, owner }) => cleanupMailboxes(db, { now: now(), owner }),
  tokens: (db, { now }) => keepTokensAlive(db, { now: now() }),
  signIns: (db, { now }) => forgetSignIns(db, { now: now() }),
  trash: (db, { now }) => purgeExpiredTrash(db, { now: now() }),
};

/** Runs each chore whose interval has passed since this runner last ran it. */
export function choreRunner(
  chores: readonly Chore[] = ["send", "autoClose", "escalate", "cleanup", "tokens", "signIns", "trash"],
) {
  const lastRun = new Map<Chore, number>();
  return async (
    db: Database,
    input: { now: () => Date; owner: string; onError: (where: string, error: unknown) => void },
  ): Promise<void> => {
    for (const chore of chores) {
      const at = input.now().getTime();
      const last = lastRun.get(chore);
      if (last !== undefined && at - last < CHORE_EVERY_MS[chore]) continue;
      lastRun.set(chore, at);
      try {
        await run[chore](db, input);
      } catch (error) {
        input.onError(chore, error);
      }
    }
  };
}
