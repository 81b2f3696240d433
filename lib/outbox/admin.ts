import { and, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { type OutboxStatus, outbox, outboxStatusEnum } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { canManageMailSettings } from "@/lib/auth/roles";
import { getDivision } from "@/lib/divisions/divisions";
import { ForbiddenError } from "@/lib/errors";
import type { TenantScope } from "@/db/tenant";

/** A division's outbox as staff see it: what was sent, what waits and why. No bodies. */
export async function listOutbox(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId: string; status?: OutboxStatus; limit?: number },
) {
  await getDivision(tx, scope, input.divisionId);
  return tx
    .select({
      id: outbox.id,
      kind: outbox.kind,
      status: outbox.status,
      subject: outbox.subject,
      toAddresses: outbox.toAddresses,
      fromAddress: outbox.fromAddress,
      ticketId: outbox.ticketId,
      attempts: outbox.attempts,
      nextAttemptAt: outbox.nextAttemptAt,
      lastError: outbox.lastError,
      lastErrorCode: outbox.lastErrorCode,
      createdAt: outbox.createdAt,
      sentAt: outbox.sentAt,
    })
    .from(outbox)
    .where(
      and(
        eq(outbox.tenantId, scope.tenantId),
        eq(outbox.divisionId, input.divisionId),
        input.status ? eq(outbox.status, input.status) : undefined,
      ),
    )
    .orderBy(desc(outbox.createdAt), desc(outbox.id))
    .limit(input.limit ?? 200);
}

export type OutboxCounts = Record<OutboxStatus, number>;

export async function outboxCounts(tx: Executor, scope: TenantScope, divisionId: string): Promise<OutboxCounts> {
  await getDivision(tx, scope, divisionId);
  const rows = await tx
    .select({ status: outbox.status, n: sql<number>`count(*)::int` })
    .from(outbox)
    .where(and(eq(outbox.tenantId, scope.tenantId), eq(outbox.divisionId, divisionId)))
    .groupBy(outbox.status);
  const counts = Object.fromEntries(outboxStatusEnum.enumValues.map((s) => [s, 0])) as OutboxCounts;
  for (const row of rows) counts[row.status] = row.n;
  return counts;
}

async function setBack(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId: string; ids?: string[] },
  from: OutboxStatus,
  extra: Partial<typeof outbox.$inferInsert>,
  action: string,
): Promise<number> {
  if (!canManageMailSettings(scope.role)) throw new ForbiddenError();
  await getDivision(tx, scope, input.divisionId);
  const only: SQL | undefined = input.ids ? inArray(outbox.id, input.ids) : undefined;
  const rows = await tx
    .update(outbox)
    .set({ status: "ready", nextAttemptAt: new Date(), sendingStartedAt: null, ...extra })
    .where(and(eq(outbox.tenantId, scope.tenantId), eq(outbox.divisionId, input.divisionId), eq(outbox.status, from), only))
    .returning({ id: outbox.id });
  if (rows.length > 0) {
    await recordAudit(tx, scope, action, { type: "division", id: input.divisionId }, { count: rows.length });
  }
  return rows.length;
}

/**
 * Seed: "Reset Email Sending Status". Mail stuck in "sending" (a worker that died mid-send) goes back
 * to "ready". It may then go out a second time, with the same Message-ID, if the first attempt had
 * in fact reached the server.
 */
export function resetSending(tx: Executor, scope: TenantScope, input: { divisionId: string; ids?: string[] }) {
  return setBack(tx, scope, input, "sending", {}, "outbox.reset_sending");
}

/**
 * Seed: "Clear Email Error Status". Mail in "error" is tried again from scratch, once the cause
 * (an SMTP password, a missing server) has been fixed.
 */
export function clearErrors(tx: Executor, scope: TenantScope, input: { divisionId: string; ids?: string[] }) {
  return setBack(tx, scope, input, "error", { attempts: 0, lastError: null, lastErrorCode: null }, "outbox.clear_errors");
}
