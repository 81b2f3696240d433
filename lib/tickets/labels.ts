import { and, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { type Ticket, type TicketPriority, ticketPriorityEnum, tickets } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { recordAudit } from "@/lib/audit";
import { RuleError } from "@/lib/errors";
import { normalizeTags } from "@/lib/tags";
import { lockTicket } from "./tickets";

// The tag rules sit low (lib/tags.ts) so that a mailbox's default tags follow them too.
export { MAX_TAG_LENGTH, normalizeTag, normalizeTags } from "@/lib/tags";

/** Lowest first, as the queue and the CLI list them. */
export const ticketPriorities = ticketPriorityEnum.enumValues;

/** A ticket's tags are a handful of labels, not a place for notes. */
export const MAX_TAGS_PER_TICKET = 20;

/**
 * Sets a ticket's priority. Any member may. Setting the priority it already has changes nothing and
 * records nothing.
 */
export async function setTicketPriority(
  tx: Executor,
  scope: TenantScope,
  input: { ticketId: string; priority: TicketPriority },
): Promise<Ticket> {
  const ticket = await lockTicket(tx, scope, input.ticketId);
  if (ticket.priority === input.priority) return ticket;
  const changed = await updateTicket(tx, scope, ticket.id, { priority: input.priority });
  await recordAudit(tx, scope, "ticket.priority_changed", { type: "ticket", id: ticket.id }, {
    from: ticket.priority,
    to: changed.priority,
  });
  return changed;
}

/** Replaces a ticket's tags. */
export async function setTicketTags(
  tx: Executor,
  scope: TenantScope,
  input: { ticketId: string; tags: readonly string[] },
): Promise<Ticket> {
  const wanted = normalizeTags(input.tags);
  return changeTags(tx, scope, input.ticketId, () => wanted);
}

/** Adds tags to those a ticket has; tags it has already stay where they are. */
export async function addTicketTags(
  tx: Executor,
  scope: TenantScope,
  input: { ticketId: string; tags: readonly string[] },
): Promise<Ticket> {
  const added = normalizeTags(input.tags);
  return changeTags(tx, scope, input.ticketId, (current) => [...new Set([...current, ...added])]);
}

/** Takes tags off a ticket; a tag it does not have is no error. */
export async function removeTicketTags(
  tx: Executor,
  scope: TenantScope,
  input: { ticketId: string; tags: readonly string[] },
): Promise<Ticket> {
  const removed = new Set(normalizeTags(input.tags));
  return changeTags(tx, scope, input.ticketId, (current) => current.filter((tag) => !removed.has(tag)));
}

/**
 * Adds and removes in one change (one audit entry), as bulk work and the CLI ask for both at once.
 * A tag both added and removed is removed.
 */
export async function editTicketTags(
  tx: Executor,
  scope: TenantScope,
  input: { ticketId: string; add: readonly string[]; remove: readonly string[] },
): Promise<Ticket> {
  const added = normalizeTags(input.add);
  const removed = new Set(normalizeTags(input.remove));
  return changeTags(tx, scope, input.ticketId, (current) =>
    [...new Set([...current, ...added])].filter((tag) => !removed.has(tag)),
  );
}

async function changeTags(
  tx: Executor,
  scope: TenantScope,
  ticketId: string,
  next: (current: string[]) => string[],
): Promise<Ticket> {
  const ticket = await lockTicket(tx, scope, ticketId);
  const tags = next(ticket.tags);
  if (tags.length > MAX_TAGS_PER_TICKET) {
    throw new RuleError("invalidInput", { tags: ["tooManyTags"] });
  }
  if (sameTags(tags, ticket.tags)) return ticket;
  const changed = await updateTicket(tx, scope, ticket.id, { tags });
  await recordAudit(tx, scope, "ticket.tags_changed", { type: "ticket", id: ticket.id }, {
    added: tags.filter((tag) => !ticket.tags.includes(tag)),
    removed: ticket.tags.filter((tag) => !tags.includes(tag)),
  });
  return changed;
}

/** Order does not matter to a ticket's tags: a reordering is no change. */
function sameTags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((tag) => b.includes(tag));
}

async function updateTicket(
  tx: Executor,
  scope: TenantScope,
  ticketId: string,
  values: Partial<Pick<Ticket, "priority" | "tags">>,
): Promise<Ticket> {
  const [changed] = await tx
    .update(tickets)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, ticketId)))
    .returning();
  if (!changed) throw new Error("Ticket vanished while labelling it");
  return changed;
}
