import { and, asc, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/db/client";
import { auditLog, ticketPriorityEnum, ticketStatusEnum, type TicketPriority, type TicketStatus } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";

/**
 * What happened to a ticket besides its mail, as its conversation shows it between the messages.
 * Names (of members, divisions, teams) are resolved by whoever shows the event: an id outlives a
 * removed member or a deleted team, and the reader's page already knows the current names.
 */
export type TicketEventChange =
  | { kind: "status"; from: TicketStatus; to: TicketStatus }
  | { kind: "autoClosed" }
  | { kind: "assigned"; from: string | null; to: string | null }
  | {
      kind: "moved";
      /** The division it went to when it changed division, with the number it got there; else null. */
      division: { id: string; number: number } | null;
      /** The team it has now; null for none. Only when the team changed. */
      team: { id: string | null } | null;
    }
  | { kind: "priority"; from: TicketPriority; to: TicketPriority }
  | { kind: "tags"; added: string[]; removed: string[] }
  /** Another ticket of the division was merged into this one. */
  | { kind: "mergedHere"; source: number }
  /** This ticket was merged into another (its page leads there, so this is seen only in history). */
  | { kind: "mergedAway"; target: number }
  /** One of this ticket's messages became a ticket of its own. */
  | { kind: "splitOut"; ticket: number }
  /** This ticket was split out of another's message. */
  | { kind: "splitFrom"; ticket: number }
  | { kind: "trashed" }
  | { kind: "restored" };

export type TicketEvent = TicketEventChange & {
  /** The audit row's id: stable, and orders events recorded in the same instant. */
  id: number;
  at: Date;
  /** The member who did it; null for the system (auto-close) or a member whose account is gone. */
  actorId: string | null;
};

/** The audit actions that are a ticket's events: everything else in the audit log stays there. */
export const ticketEventActions = [
  "ticket.status_changed",
  "ticket.auto_closed",
  "ticket.assigned",
  "ticket.moved",
  "ticket.priority_changed",
  "ticket.tags_changed",
  "ticket.merged",
  "ticket.split",
  "trash.moved",
  "trash.restored",
] as const;

export interface TicketAuditRow {
  id: number;
  action: string;
  actorUserId: string | null;
  details: Record<string, unknown>;
  createdAt: Date;
}

const status = z.enum(ticketStatusEnum.enumValues);
const priority = z.enum(ticketPriorityEnum.enumValues);
const ticketRef = z.object({ id: z.string(), number: z.number() });
const place = z.object({ divisionId: z.string(), number: z.number(), teamId: z.string().nullable() });

// Each action's details, read field by field: an event carries only what these name, never the rest.
const details = {
  status: z.object({ from: status, to: status }),
  assigned: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
  moved: z.object({ from: place, to: place }),
  priority: z.object({ from: priority, to: priority }),
  tags: z.object({ added: z.array(z.string()), removed: z.array(z.string()) }),
  merged: z.object({ source: ticketRef, target: ticketRef }),
  split: z.object({ from: ticketRef, to: ticketRef }),
};

/**
 * One audit row of the ticket `ticketId` as an event; null for an action that is no event of the
 * conversation, or details in a shape this version does not know (rows outlive code changes).
 */
export function ticketEventOf(row: TicketAuditRow, ticketId: string): TicketEvent | null {
  const change = changeOf(row, ticketId);
  return change && { ...change, id: row.id, at: row.createdAt, actorId: row.actorUserId };
}

function changeOf({ action, details: raw }: TicketAuditRow, ticketId: string): TicketEventChange | null {
  switch (action) {
    case "ticket.status_changed": {
      const parsed = details.status.safeParse(raw);
      return parsed.success ? { kind: "status", from: parsed.data.from, to: parsed.data.to } : null;
    }
    case "ticket.auto_closed":
      return { kind: "autoClosed" };
    case "ticket.assigned": {
      const parsed = details.assigned.safeParse(raw);
      return parsed.success ? { kind: "assigned", from: parsed.data.from, to: parsed.data.to } : null;
    }
    case "ticket.moved": {
      const parsed = details.moved.safeParse(raw);
      if (!parsed.success) return null;
      const { from, to } = parsed.data;
      const division = from.divisionId !== to.divisionId ? { id: to.divisionId, number: to.number } : null;
      const team = from.teamId !== to.teamId ? { id: to.teamId } : null;
      return { kind: "moved", division, team };
    }
    case "ticket.priority_changed": {
      const parsed = details.priority.safeParse(raw);
      return parsed.success ? { kind: "priority", from: parsed.data.from, to: parsed.data.to } : null;
    }
    case "ticket.tags_changed": {
      const parsed = details.tags.safeParse(raw);
      return parsed.success ? { kind: "tags", added: parsed.data.added, removed: parsed.data.removed } : null;
    }
    case "ticket.merged": {
      const parsed = details.merged.safeParse(raw);
      if (!parsed.success) return null;
      const { source, target } = parsed.data;
      return target.id === ticketId ? { kind: "mergedHere", source: source.number } : { kind: "mergedAway", target: target.number };
    }
    case "ticket.split": {
      const parsed = details.split.safeParse(raw);
      if (!parsed.success) return null;
      const { from, to } = parsed.data;
      return from.id === ticketId ? { kind: "splitOut", ticket: to.number } : { kind: "splitFrom", ticket: from.number };
    }
    case "trash.moved":
      return { kind: "trashed" };
    case "trash.restored":
      return { kind: "restored" };
    default:
      return null;
  }
}

/** A ticket's events, oldest first, from this tenant's audit log. */
export async function listTicketEvents(tx: Executor, scope: TenantScope, ticketId: string): Promise<TicketEvent[]> {
  const rows = await tx
    .select({
      id: auditLog.id,
      action: auditLog.action,
      actorUserId: auditLog.actorUserId,
      details: auditLog.details,
      createdAt: auditLog.createdAt,
    })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.tenantId, scope.tenantId),
        eq(auditLog.targetType, "ticket"),
        eq(auditLog.targetId, ticketId),
        inArray(auditLog.action, [...ticketEventActions]),
      ),
    )
    .orderBy(asc(auditLog.createdAt), asc(auditLog.id));
  return rows.map((row) => ticketEventOf(row, ticketId)).filter((event): event is TicketEvent => event !== null);
}
