import { and, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { type Ticket, tickets } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { getDivision } from "@/lib/divisions/divisions";
import { refreshHighlights } from "@/lib/divisions/highlight";
import { restampServiceTargets } from "@/lib/divisions/service-targets";
import { NotFoundError, RuleError } from "@/lib/errors";
import type { TenantScope } from "@/db/tenant";
import { getTeam } from "@/lib/teams/teams";
import { nextTicketNumber } from "./numbering";
import { lockTicket } from "./tickets";

/**
 * Moves a ticket to another team of its division, or to another division of the tenant. Numbers
 * count per division, so a ticket that changes division takes the next number there (its old
 * `[TAG#n]` names nothing afterwards; replies still find it by their In-Reply-To). Its team must be
 * one of the target division's, or none; its due times become the target division's (a first
 * response already given keeps the due time it was measured against). Any member may move tickets.
 */
export async function moveTicket(
  tx: Executor,
  scope: TenantScope,
  input: { ticketId: string; divisionId: string; teamId: string | null },
): Promise<Ticket> {
  const ticket = await lockTicket(tx, scope, input.ticketId);
  await getDivision(tx, scope, input.divisionId);
  if (input.teamId && (await getTeamOrNull(tx, scope, input.teamId))?.divisionId !== input.divisionId) {
    throw new RuleError("invalidInput", { teamId: ["teamNotInDivision"] });
  }

  const changesDivision = input.divisionId !== ticket.divisionId;
  if (!changesDivision && input.teamId === ticket.teamId) return ticket;
  const [moved] = await tx
    .update(tickets)
    .set({
      divisionId: input.divisionId,
      number: changesDivision ? await nextTicketNumber(tx, scope, input.divisionId) : ticket.number,
      teamId: input.teamId,
      updatedAt: new Date(),
    })
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, ticket.id)))
    .returning();
  if (!moved) throw new Error("Ticket vanished while moving it");
  // Highlighting is the new division's list's to decide; a refresh that changed the ticket flipped it.
  if (changesDivision && (await refreshHighlights(tx, scope, { divisionId: moved.divisionId, ticketIds: [moved.id] })) > 0) {
    moved.highlighted = !moved.highlighted;
  }
  if (changesDivision) {
    const [restamped] = await restampTicket(tx, scope, moved);
    if (restamped) Object.assign(moved, restamped);
  }
  await recordAudit(tx, scope, "ticket.moved", { type: "ticket", id: ticket.id }, {
    from: { divisionId: ticket.divisionId, number: ticket.number, teamId: ticket.teamId },
    to: { divisionId: moved.divisionId, number: moved.number, teamId: moved.teamId },
  });
  return moved;
}

/** The moved ticket's due times by its new division's targets, as the ticket now has them. */
async function restampTicket(tx: Executor, scope: TenantScope, ticket: Ticket) {
  await restampServiceTargets(tx, scope, ticket.divisionId, { ticketIds: [ticket.id] });
  return tx
    .select({
      firstResponseDueAt: tickets.firstResponseDueAt,
      resolutionDueAt: tickets.resolutionDueAt,
      slaDueAt: tickets.slaDueAt,
      escalatedDueAt: tickets.escalatedDueAt,
    })
    .from(tickets)
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, ticket.id)));
}

/** Another tenant's team is as absent as no team at all: both are refused as "not of this division". */
async function getTeamOrNull(tx: Executor, scope: TenantScope, teamId: string) {
  try {
    return await getTeam(tx, scope, teamId);
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}
