import { and, asc, eq, inArray } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { liveTicket } from "@/db/queries/tickets";
import { type Ticket, type TicketPriority, tickets } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { recordAudit } from "@/lib/audit";
import { NotFoundError, RuleError } from "@/lib/errors";
import { emailAssignment, emailBulkAssignment } from "@/lib/notifications/email";
import { moveToTrash } from "@/lib/trash/trash";
import { assignTicket } from "./assign";
import { editTicketTags, setTicketPriority } from "./labels";
import { mergeTickets } from "./merge";
import { moveTicket } from "./move";
import { type SettableTicketStatus, setTicketStatus } from "./status";
import { getTicketCustomer } from "./tickets";

/** More than a few queue pages at once is a script, not a selection: it should ask in batches. */
export const MAX_BULK_TICKETS = 200;

/** One thing done to every selected ticket. A new kind of bulk work is one more case here. */
export type BulkAction =
  | { type: "assign"; assigneeId: string | null }
  | { type: "status"; status: SettableTicketStatus }
  | { type: "move"; divisionId: string; teamId: string | null }
  | { type: "priority"; priority: TicketPriority }
  | { type: "tags"; add: string[]; remove: string[] }
  | { type: "delete" }
  /** Every other selected ticket is merged into `targetId`, which must be one of the selection. */
  | { type: "merge"; targetId: string };

export interface BulkResult {
  /** How many of the tickets the action changed; the others already were as asked. */
  changed: number;
}

/**
 * Applies one action to tickets of one division (or of any, from the queue across divisions: null),
 * in the caller's transaction: every ticket or none. Each ticket goes through the same rule as on its
 * own page (and leaves the same audit entry); one "tickets.bulk" entry per division says what was
 * done to which. An id that is not a ticket in the queue asked (another tenant's, another division's,
 * one in the trash or merged away) refuses the whole request as not found.
 */
export async function applyBulkAction(
  tx: Executor,
  scope: TenantScope,
  input: { divisionId: string | null; ticketIds: readonly string[]; action: BulkAction },
): Promise<BulkResult> {
  const ticketIds = [...new Set(input.ticketIds)];
  if (ticketIds.length === 0) throw new RuleError("nothingSelected");
  if (ticketIds.length > MAX_BULK_TICKETS) {
    throw new RuleError("tooManySelected", {}, { max: MAX_BULK_TICKETS });
  }
  // Locked in one order, so two bulk actions over overlapping selections cannot deadlock.
  const before = await tx
    .select()
    .from(tickets)
    .where(
      and(
        eq(tickets.tenantId, scope.tenantId),
        input.divisionId ? eq(tickets.divisionId, input.divisionId) : undefined,
        inArray(tickets.id, ticketIds),
        // What the queue shows: not what is in the trash, nor what was merged into another ticket.
        liveTicket(),
      ),
    )
    .orderBy(asc(tickets.id))
    .for("update");
  if (before.length !== ticketIds.length) throw new NotFoundError("ticket");

  const changed = await perTicket(tx, scope, before, input.action);
  for (const [divisionId, inDivision] of byDivision(before)) {
    await recordAudit(tx, scope, "tickets.bulk", { type: "division", id: divisionId }, {
      action: input.action,
      ticketIds: inDivision.map((ticket) => ticket.id),
      changed,
    });
  }
  return { changed };
}

async function perTicket(tx: Executor, scope: TenantScope, locked: Ticket[], action: BulkAction): Promise<number> {
  switch (action.type) {
    case "assign":
      return assignAll(tx, scope, locked, action.assigneeId);
    case "status":
      return countChanged(
        locked,
        (ticket) => setTicketStatus(tx, scope, { ticketId: ticket.id, status: action.status }),
        (ticket) => ticket.status,
      );
    case "move":
      return countChanged(
        locked,
        (ticket) => moveTicket(tx, scope, { ticketId: ticket.id, divisionId: action.divisionId, teamId: action.teamId }),
        (ticket) => `${ticket.divisionId}/${ticket.teamId}`,
      );
    case "priority":
      return countChanged(
        locked,
        (ticket) => setTicketPriority(tx, scope, { ticketId: ticket.id, priority: action.priority }),
        (ticket) => ticket.priority,
      );
    case "tags":
      return countChanged(
        locked,
        (ticket) => editTicketTags(tx, scope, { ticketId: ticket.id, add: action.add, remove: action.remove }),
        (ticket) => [...ticket.tags].sort().join(","),
      );
    case "delete": {
      for (const ticket of locked) await moveToTrash(tx, scope, { kind: "ticket", id: ticket.id });
      return locked.length;
    }
    case "merge": {
      if (!locked.some((ticket) => ticket.id === action.targetId)) throw new RuleError("mergeTargetNotSelected");
      if (locked.length < 2) throw new RuleError("mergeNeedsTwo");
      const sources = locked.filter((ticket) => ticket.id !== action.targetId);
      for (const source of sources) await mergeTickets(tx, scope, { sourceId: source.id, targetId: action.targetId });
      return sources.length;
    }
  }
}

/** Applies the single-ticket rule to each; a ticket counts as changed when `aspect` of it differs after. */
async function countChanged(
  locked: Ticket[],
  apply: (ticket: Ticket) => Promise<Ticket>,
  aspect: (ticket: Ticket) => string,
): Promise<number> {
  let changed = 0;
  for (const ticket of locked) {
    if (aspect(await apply(ticket)) !== aspect(ticket)) changed += 1;
  }
  return changed;
}

/**
 * Assigns each ticket without its own mail, then tells the new assignee once: the usual mail for a
 * single ticket, one listing them all for several.
 */
async function assignAll(tx: Executor, scope: TenantScope, locked: Ticket[], assigneeId: string | null) {
  const given: Ticket[] = [];
  let changed = 0;
  for (const ticket of locked) {
    const result = await assignTicket(tx, scope, { ticketId: ticket.id, assigneeId }, { email: false });
    if (result.ticket.assigneeId !== ticket.assigneeId) changed += 1;
    if (result.newlyAssignedUserId) given.push(result.ticket);
  }
  if (assigneeId && given.length === 1) {
    const [ticket] = given;
    const customer = await getTicketCustomer(tx, scope, ticket!.id);
    await emailAssignment(tx, scope, {
      ticket: ticket!,
      assigneeId,
      customerName: customer ? (customer.name ?? customer.email) : null,
    });
  } else if (assigneeId && given.length > 1) {
    // One mail per division: its words name the division, and its tickets carry its tag.
    for (const [divisionId, inDivision] of byDivision(given)) {
      await emailBulkAssignment(tx, scope, { divisionId, assigneeId, tickets: inDivision });
    }
  }
  return changed;
}

function byDivision(list: Ticket[]): Map<string, Ticket[]> {
  const groups = new Map<string, Ticket[]>();
  for (const ticket of list) groups.set(ticket.divisionId, [...(groups.get(ticket.divisionId) ?? []), ticket]);
  return groups;
}
