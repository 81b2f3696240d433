import { and, eq, isNotNull, isNull, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { inboundEmails, messages, tickets } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { recordAudit } from "@/lib/audit";
import { NotFoundError } from "@/lib/errors";

/**
 * The trash: tickets, single messages and waiting-list entries a member deleted. Moving something
 * there only stamps who and when (`deleted_at`, `deleted_by_id`); everything stays and can be put
 * back. Lists, threading and counts leave trashed rows out. Deleting for good is purge.ts, and
 * needs the member's right.
 */

export type TrashKind = "ticket" | "message" | "inboundEmail";

const tables = { ticket: tickets, message: messages, inboundEmail: inboundEmails } as const;

const auditTarget: Record<TrashKind, string> = { ticket: "ticket", message: "message", inboundEmail: "inbound_email" };

/** Moves one item to the trash; an item already there stays as it was (its first deletion counts). */
export async function moveToTrash(
  tx: Executor,
  scope: TenantScope,
  item: { kind: TrashKind; id: string },
  now = new Date(),
): Promise<void> {
  const table = tables[item.kind];
  const [row] = await tx
    .select({ id: table.id, deletedAt: table.deletedAt })
    .from(table)
    .where(and(eq(table.tenantId, scope.tenantId), eq(table.id, item.id)))
    .for("update");
  if (!row) throw new NotFoundError(auditTarget[item.kind]);
  if (row.deletedAt) return;
  await tx
    .update(table)
    .set({ deletedAt: now, deletedById: scope.userId })
    .where(and(eq(table.tenantId, scope.tenantId), eq(table.id, item.id), isNull(table.deletedAt)));
  await recordAudit(tx, scope, "trash.moved", { type: auditTarget[item.kind], id: item.id });
}

/** Puts an item back where it was; one not in the trash is left as it is. */
export async function restoreFromTrash(
  tx: Executor,
  scope: TenantScope,
  item: { kind: TrashKind; id: string },
): Promise<void> {
  const table = tables[item.kind];
  const restored = await tx
    .update(table)
    .set({ deletedAt: null, deletedById: null })
    .where(and(eq(table.tenantId, scope.tenantId), eq(table.id, item.id), isNotNull(table.deletedAt)))
    .returning({ id: table.id });
  if (restored.length === 0) {
    const [exists] = await tx
      .select({ id: table.id })
      .from(table)
      .where(and(eq(table.tenantId, scope.tenantId), eq(table.id, item.id)));
    if (!exists) throw new NotFoundError(auditTarget[item.kind]);
    return;
  }
  await recordAudit(tx, scope, "trash.restored", { type: auditTarget[item.kind], id: item.id });
}

/**
 * What is in the trash, per kind, in one division or all the tenant's: what the trash page lists and
 * what emptying it purges. A trashed message of a trashed ticket is not an item of its own (it goes
 * with its ticket), so the message condition expects the query to join the message's ticket. A
 * purged waiting-list entry is gone, though its emptied row stays.
 */
export const inTrash: Record<TrashKind, (scope: TenantScope, divisionId?: string) => SQL | undefined> = {
  ticket: (scope, divisionId) =>
    and(
      eq(tickets.tenantId, scope.tenantId),
      isNotNull(tickets.deletedAt),
      divisionId ? eq(tickets.divisionId, divisionId) : undefined,
    ),
  message: (scope, divisionId) =>
    and(
      eq(messages.tenantId, scope.tenantId),
      isNotNull(messages.deletedAt),
      isNull(tickets.deletedAt),
      divisionId ? eq(tickets.divisionId, divisionId) : undefined,
    ),
  inboundEmail: (scope, divisionId) =>
    and(
      eq(inboundEmails.tenantId, scope.tenantId),
      isNotNull(inboundEmails.deletedAt),
      isNull(inboundEmails.purgedAt),
      divisionId ? eq(inboundEmails.divisionId, divisionId) : undefined,
    ),
};
