import { and, eq, inArray, isNotNull, isNull, lte, or } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { divisions, mailboxes } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { canManageMailSettings } from "@/lib/auth/roles";
import { updateDivisionSettings } from "@/lib/divisions/divisions";
import { ForbiddenError, NotFoundError, RuleError } from "@/lib/errors";
import type { TenantScope } from "@/db/tenant";
import { leaseStateOf } from "./status";

/** No poll in progress: no lease, an expired one (its worker died), or one held for IDLE. */
const notPolling = (now: Date) =>
  or(isNull(mailboxes.leaseExpiresAt), lte(mailboxes.leaseExpiresAt, now), isNotNull(mailboxes.idleSince));

export interface ForcedPoll {
  /** Active mailboxes now due: the running dispatcher polls them within seconds. */
  scheduled: number;
  /** Active mailboxes a worker is polling at this moment: left alone, never polled twice at once. */
  alreadyRunning: number;
}

/**
 * Seed: "Force scheduler". Makes every active mailbox of the division due now, so the running
 * dispatcher (embedded worker or Trigger.dev) picks it up at its next tick, also a mailbox in backoff:
 * the administrator asked, and a failure after it backs off further as before. A mailbox that is
 * being polled is not touched: its poll sets the next time when it ends, and a second poll would
 * only fetch the same mail again. A mailbox held for IDLE is made due like the others.
 */
export async function forceDivisionPoll(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId: string; now: Date },
): Promise<ForcedPoll> {
  if (!canManageMailSettings(scope.role)) throw new ForbiddenError();
  const [division] = await tx
    .select({ dispatcherActive: divisions.dispatcherActive })
    .from(divisions)
    .where(and(eq(divisions.tenantId, scope.tenantId), eq(divisions.id, input.divisionId)));
  if (!division) throw new NotFoundError("division");
  if (!division.dispatcherActive) throw new RuleError("dispatcherOff");

  const active = await tx
    .select({ id: mailboxes.id, leaseExpiresAt: mailboxes.leaseExpiresAt, idleSince: mailboxes.idleSince })
    .from(mailboxes)
    .where(
      and(eq(mailboxes.tenantId, scope.tenantId), eq(mailboxes.divisionId, input.divisionId), eq(mailboxes.active, true)),
    );
  const candidates = active.filter((mailbox) => leaseStateOf(mailbox, input.now) !== "polling").map((m) => m.id);
  // The condition is checked again in the UPDATE: a poll that began since the read above keeps its mailbox.
  const scheduled =
    candidates.length === 0
      ? []
      : await tx
          .update(mailboxes)
          .set({ nextPollAt: input.now })
          .where(
            and(
              eq(mailboxes.tenantId, scope.tenantId),
              inArray(mailboxes.id, candidates),
              notPolling(input.now),
            ),
          )
          .returning({ id: mailboxes.id });
  const result = { scheduled: scheduled.length, alreadyRunning: active.length - scheduled.length };
  await recordAudit(tx, scope, "dispatcher.forced", { type: "division", id: input.divisionId }, { ...result });
  return result;
}

/** Turns the division's dispatcher on or off (the division setting "Fetch email"), audited like any setting. */
export async function setDispatcherActive(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId: string; active: boolean },
): Promise<{ dispatcherActive: boolean }> {
  if (!canManageMailSettings(scope.role)) throw new ForbiddenError();
  const division = await updateDivisionSettings(tx, scope, input.divisionId, { dispatcherActive: input.active });
  return { dispatcherActive: division.dispatcherActive };
}
