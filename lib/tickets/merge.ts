import { and, asc, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { inboundEmails, messages, outbox, type Ticket, type TicketPriority, tickets } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { recordAudit } from "@/lib/audit";
import { restartServiceTargets } from "@/lib/divisions/service-targets";
import { RuleError } from "@/lib/errors";
import { lockTicket } from "./tickets";

const priorityRank: Record<TicketPriority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

function later(a: Date | null, b: Date | null): Date | null {
  if (!a || !b) return a ?? b;
  return a > b ? a : b;
}

/**
 * The survivor's first response: the earlier of both tickets', with who gave it and the due time it
 * was measured against, so the service level reads one coherent answer.
 */
function firstResponseOf(source: Ticket, target: Ticket) {
  const earlier =
    source.firstResponseAt && (!target.firstResponseAt || source.firstResponseAt < target.firstResponseAt) ? source : target;
  return {
    firstResponseAt: earlier.firstResponseAt,
    firstResponseById: earlier.firstResponseById,
    firstResponseDueAt: earlier.firstResponseDueAt,
  };
}

/**
 * Merges one ticket (the source) into another of its division (the target, which survives).
 * Everything the conversation is made of moves to the target: its messages (their attachments hang
 * on them), its outbox rows and the inbound emails it was made from, so a reply naming any of its
 * Message-IDs threads to the target, and the source's customer, having written on the target now,
 * is a participant of it. The source stays as a closed pointer (`mergedIntoId`): threading that
 * still finds it (its `[TAG#n]`, its reply token) follows the pointer (lib/inbound/threading.ts),
 * and its page leads to the target. The customer is not mailed. Any member may merge.
 */
export async function mergeTickets(
  tx: Executor,
  scope: TenantScope,
  input: { sourceId: string; targetId: string; now?: Date },
): Promise<{ source: Ticket; target: Ticket }> {
  if (input.sourceId === input.targetId) throw new RuleError("mergeIntoItself");
  // Always in the same order, so two merges of the same pair (either way round) cannot deadlock.
  const [firstId, secondId] = [input.sourceId, input.targetId].sort();
  const first = await lockTicket(tx, scope, firstId!);
  const second = await lockTicket(tx, scope, secondId!);
  const source = first.id === input.sourceId ? first : second;
  const target = first.id === input.sourceId ? second : first;
  if (source.divisionId !== target.divisionId) throw new RuleError("mergeOtherDivision");
  for (const ticket of [source, target]) {
    if (ticket.mergedIntoId) throw new RuleError("ticketAlreadyMerged", {}, { number: ticket.number });
  }

  const now = input.now ?? new Date();
  const moved = await tx
    .update(messages)
    .set({ ticketId: target.id })
    .where(and(eq(messages.tenantId, scope.tenantId), eq(messages.ticketId, source.id)))
    .returning({ id: messages.id });
  await tx
    .update(outbox)
    .set({ ticketId: target.id })
    .where(and(eq(outbox.tenantId, scope.tenantId), eq(outbox.ticketId, source.id)));
  await tx
    .update(inboundEmails)
    .set({ ticketId: target.id })
    .where(and(eq(inboundEmails.tenantId, scope.tenantId), eq(inboundEmails.ticketId, source.id)));

  // The survivor carries both conversations: the customer's latest word and the latest answer of
  // either, the earlier first response, the louder priority, every tag. A source still waiting for
  // an answer leaves the survivor waiting for one too, unless staff put it on hold on purpose; a
  // closed survivor so reopened counts its service-level targets from now.
  const waitsForAnswer = source.status === "open" && target.status !== "on_hold";
  const [survivor] = await tx
    .update(tickets)
    .set({
      lastCustomerMessageAt: later(source.lastCustomerMessageAt, target.lastCustomerMessageAt),
      answeredAt: later(source.answeredAt, target.answeredAt),
      ...firstResponseOf(source, target),
      priority: priorityRank[source.priority] > priorityRank[target.priority] ? source.priority : target.priority,
      tags: [...new Set([...target.tags, ...source.tags])],
      highlighted: target.highlighted || source.highlighted,
      ...(waitsForAnswer ? { status: "open" as const, closedAt: null } : {}),
      updatedAt: now,
    })
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, target.id)))
    .returning();
  const [merged] = await tx
    .update(tickets)
    .set({ mergedIntoId: target.id, status: "closed", closedAt: now, updatedAt: now })
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, source.id)))
    .returning();
  if (!survivor || !merged) throw new Error("Ticket vanished while merging");
  if (waitsForAnswer && target.status === "closed") {
    await restartServiceTargets(tx, scope, survivor, now);
    Object.assign(survivor, await lockTicket(tx, scope, survivor.id));
  }

  await recordAudit(
    tx,
    scope,
    "ticket.merged",
    [
      { type: "ticket", id: source.id },
      { type: "ticket", id: target.id },
    ],
    {
      source: { id: source.id, number: source.number },
      target: { id: target.id, number: target.number },
      messages: moved.length,
    },
  );
  return { source: merged, target: survivor };
}

/**
 * The tickets merged into this one, oldest merge first: the ticket page shows each in its history
 * ("[TAG#n] was merged into this ticket"), in the reader's language.
 */
export async function ticketsMergedInto(tx: Executor, scope: TenantScope, ticketId: string) {
  return tx
    .select({ id: tickets.id, number: tickets.number, subject: tickets.subject, mergedAt: tickets.closedAt })
    .from(tickets)
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.mergedIntoId, ticketId)))
    .orderBy(asc(tickets.closedAt), asc(tickets.number));
}

/** How many merges threading and the ticket page follow before giving up on a (corrupt) loop. */
export const MAX_MERGE_HOPS = 10;

/**
 * The ticket a merged ticket now lives on: its `mergedIntoId`, followed through chains (A into B,
 * later B into C), at most MAX_MERGE_HOPS. A ticket that was never merged is its own survivor.
 */
export async function survivorOf(tx: Executor, scope: TenantScope, ticketId: string): Promise<string> {
  let current = ticketId;
  for (let hop = 0; hop < MAX_MERGE_HOPS; hop++) {
    const [row] = await tx
      .select({ mergedIntoId: tickets.mergedIntoId })
      .from(tickets)
      .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, current)));
    if (!row?.mergedIntoId) return current;
    current = row.mergedIntoId;
  }
  return current;
}

/** Where a merged ticket lives on (the end of its chain), by id and number; null for one never merged. */
export async function mergedInto(
  tx: Executor,
  scope: TenantScope,
  ticketId: string,
): Promise<{ id: string; number: number } | null> {
  const survivorId = await survivorOf(tx, scope, ticketId);
  if (survivorId === ticketId) return null;
  const [survivor] = await tx
    .select({ id: tickets.id, number: tickets.number })
    .from(tickets)
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, survivorId)));
  return survivor ?? null;
}
