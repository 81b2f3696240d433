import { and, asc, eq, inArray } from "drizzle-orm";
import type { Transaction } from "@/db/client";
import { findContact } from "@/db/queries/contacts";
import { type InboundOutcome, inboundEmails } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { recordAudit } from "@/lib/audit";
import { registerContact } from "@/lib/contacts/contacts";
import { addSpamDomain, getDivision } from "@/lib/divisions/divisions";
import { NotFoundError, RuleError } from "@/lib/errors";
import { domainOf } from "@/lib/mail/addresses";
import type { ParsedEmail } from "@/lib/mail/types";
import { getTeam } from "@/lib/teams/teams";
import { lockTicket } from "@/lib/tickets/tickets";
import { moveToTrash } from "@/lib/trash/trash";
import { listedSender } from "./decide";
import { type InboundContext, parseStoredMail, type ProcessResult, processInTransaction, readInboundContext } from "./process";
import { type InboundEmailRecord, inboundEmailRecord, readRawMail } from "./store";
import { addEmailToExistingTicket, automatedOf, openTicketFromEmail } from "./ticket-steps";

/**
 * What a member decides for a mail on the waiting list. Each decision locks the entry's row first,
 * so that of two members deciding at once the second finds it decided and is refused, and records
 * the decision, who and when on the row (its `reason`, why it was held, stays) and in the audit log.
 * A ticket is made through the pipeline's own steps (ticket-steps.ts), with its rules for the
 * customer's confirmation.
 */

export type WaitingDecision = "converted" | "attached" | "registered" | "spam" | "released" | "deleted";

/** What became of an entry: its outcome now, and the ticket it made or joined. */
export interface DecisionResult {
  inboundEmailId: string;
  decision: WaitingDecision;
  outcome: InboundOutcome;
  ticketId: string | null;
}

/**
 * The entry, locked until the transaction ends. Another tenant's (or a purged) entry is not found;
 * one that is no longer waiting (decided, or in the trash) is refused, never decided twice.
 */
async function lockWaitingEntry(tx: Transaction, scope: TenantScope, id: string): Promise<InboundEmailRecord> {
  const [row] = await tx
    .select(inboundEmailRecord)
    .from(inboundEmails)
    .where(and(eq(inboundEmails.tenantId, scope.tenantId), eq(inboundEmails.id, id)))
    .for("update");
  if (!row || row.purgedAt) throw new NotFoundError("inbound_email");
  if (row.outcome !== "waiting_list" || row.deletedAt) throw new RuleError("waitingAlreadyDecided");
  return row;
}

/** The held mail, read and parsed as the pipeline parsed it (decrypted with its division's key). */
async function readHeldMail(
  tx: Transaction,
  scope: TenantScope,
  row: InboundEmailRecord,
): Promise<{ email: ParsedEmail; context: InboundContext }> {
  const context = await readInboundContext(tx, scope, row);
  const parsed = await parseStoredMail(await readRawMail(tx, scope, row.id), context.division);
  if (parsed.kind === "pgpFailed") throw new RuleError("waitingMailUnreadable");
  return { email: parsed.email, context };
}

async function recordDecision(
  tx: Transaction,
  scope: TenantScope,
  row: InboundEmailRecord,
  decision: WaitingDecision,
  change: { outcome?: InboundOutcome; ticketId?: string | null },
  now: Date,
  details: Record<string, unknown> = {},
): Promise<DecisionResult> {
  const [updated] = await tx
    .update(inboundEmails)
    .set({ ...change, decision, decidedById: scope.userId, decidedAt: now })
    .where(and(eq(inboundEmails.tenantId, scope.tenantId), eq(inboundEmails.id, row.id)))
    .returning({ outcome: inboundEmails.outcome, ticketId: inboundEmails.ticketId });
  await recordAudit(tx, scope, `waiting_list.${decision}`, { type: "inbound_email", id: row.id }, details);
  return { inboundEmailId: row.id, decision, outcome: updated!.outcome, ticketId: updated!.ticketId };
}

export interface ConvertTarget {
  /** Default: the entry's own division. */
  divisionId?: string | null;
  /** A team of that division; default: the team of the mailbox it came to, in its own division. */
  teamId?: string | null;
}

/**
 * A new ticket from the entry, in the chosen division and team. "registered" also makes the sender
 * a contact first, so that "convert if known" takes their next mail; "converted" leaves the address
 * book as it is (the ticket's customer is then the sender of its first message).
 */
export async function convertWaitingEmail(
  tx: Transaction,
  scope: TenantScope,
  input: { id: string; register?: boolean; now?: Date } & ConvertTarget,
): Promise<DecisionResult> {
  const now = input.now ?? new Date();
  const row = await lockWaitingEntry(tx, scope, input.id);
  const { email, context } = await readHeldMail(tx, scope, row);
  if (input.register && !email.from) throw new RuleError("waitingNoSender");
  const target = await convertTarget(tx, scope, row, context, input);
  const contact = email.from
    ? input.register
      ? await registerContact(tx, scope, { email: email.from.address, name: email.from.name })
      : await findContact(tx, scope, { email: email.from.address })
    : null;
  const ticket = await openTicketFromEmail(tx, scope, {
    division: target.division,
    email,
    inboundEmailId: row.id,
    contactId: contact?.id ?? null,
    highlighted: email.from ? listedSender(email.from.address, target.division.highlightDomains) : false,
    followUpOfId: null,
    defaults: target.defaults,
    automated: automatedOf(email, context.ownAddresses),
    ownAddresses: context.ownAddresses,
    now,
  });
  return recordDecision(
    tx,
    scope,
    row,
    input.register ? "registered" : "converted",
    { outcome: "ticket_created", ticketId: ticket.id },
    now,
    { ticketId: ticket.id, divisionId: target.division.id, teamId: target.teamId },
  );
}

async function convertTarget(
  tx: Transaction,
  scope: TenantScope,
  row: InboundEmailRecord,
  context: InboundContext,
  input: ConvertTarget,
) {
  const divisionId = input.divisionId || row.divisionId;
  const sameDivision = divisionId === row.divisionId;
  const division = sameDivision ? context.division : await getDivision(tx, scope, divisionId);
  // The mailbox stays the ticket's (who may see it); its team and assignee only within its division.
  const defaults = sameDivision ? context.defaults : { ...context.defaults, teamId: null, assigneeId: null };
  if (!input.teamId) return { division, teamId: defaults.teamId, defaults };
  const team = await getTeam(tx, scope, input.teamId);
  if (team.divisionId !== division.id) throw new RuleError("invalidInput", { teamId: ["teamNotInDivision"] });
  return { division, teamId: team.id, defaults: { ...defaults, teamId: team.id } };
}

/** The entry as the customer's message on an existing ticket of the tenant, which it reopens if closed. */
export async function attachWaitingEmail(
  tx: Transaction,
  scope: TenantScope,
  input: { id: string; ticketId: string; now?: Date },
): Promise<DecisionResult> {
  const now = input.now ?? new Date();
  const row = await lockWaitingEntry(tx, scope, input.id);
  const ticket = await lockTicket(tx, scope, input.ticketId);
  if (ticket.deletedAt || ticket.mergedIntoId) throw new NotFoundError("ticket");
  const { email } = await readHeldMail(tx, scope, row);
  await addEmailToExistingTicket(tx, scope, {
    ticketId: ticket.id,
    email,
    inboundEmailId: row.id,
    asNote: false,
    threadReason: "attached",
    now,
  });
  return recordDecision(tx, scope, row, "attached", { outcome: "ticket_message", ticketId: ticket.id }, now, {
    ticketId: ticket.id,
  });
}

/** Blocked as spam; with `blockDomain`, the sender's domain goes on its division's spam list too. */
export async function markWaitingSpam(
  tx: Transaction,
  scope: TenantScope,
  input: { id: string; blockDomain?: boolean; now?: Date },
): Promise<DecisionResult & { blockedDomain: string | null }> {
  const now = input.now ?? new Date();
  const row = await lockWaitingEntry(tx, scope, input.id);
  let blockedDomain: string | null = null;
  if (input.blockDomain) {
    const { email } = await readHeldMail(tx, scope, row);
    if (!email.from) throw new RuleError("waitingNoSender");
    blockedDomain = domainOf(email.from.address);
    await addSpamDomain(tx, scope, { divisionId: row.divisionId, domain: blockedDomain });
  }
  const result = await recordDecision(tx, scope, row, "spam", { outcome: "blocked" }, now, { blockedDomain });
  return { ...result, blockedDomain };
}

/**
 * The pipeline runs again on the entry with the division's current settings (an admin changed the
 * automation mode or a list since it was held), in this transaction: the release and its new
 * outcome commit together. It may well be held again; the decision still says who released it.
 */
export async function releaseWaitingEmail(
  tx: Transaction,
  scope: TenantScope,
  input: { id: string; now?: Date },
): Promise<DecisionResult> {
  const now = input.now ?? new Date();
  const row = await lockWaitingEntry(tx, scope, input.id);
  await recordDecision(tx, scope, row, "released", { outcome: "pending", ticketId: null }, now);
  const result: ProcessResult = await processInTransaction(tx, scope, { ...row, outcome: "pending", ticketId: null }, now);
  return { inboundEmailId: row.id, decision: "released", outcome: result.outcome, ticketId: result.ticketId };
}

/** The entry to the trash (restorable there): it leaves the waiting list. */
export async function deleteWaitingEmail(
  tx: Transaction,
  scope: TenantScope,
  input: { id: string; now?: Date },
): Promise<DecisionResult> {
  const now = input.now ?? new Date();
  const row = await lockWaitingEntry(tx, scope, input.id);
  const result = await recordDecision(tx, scope, row, "deleted", {}, now);
  await moveToTrash(tx, scope, { kind: "inboundEmail", id: row.id }, now);
  return result;
}

export type BulkAction =
  | { kind: "convert"; register: boolean; divisionId?: string | null; teamId?: string | null }
  | { kind: "spam"; blockDomain: boolean }
  | { kind: "release" }
  | { kind: "delete" };

/** What a bulk decision did: the entries decided, and those someone had decided already (left alone). */
export interface BulkResult {
  decided: DecisionResult[];
  alreadyDecided: string[];
}

/**
 * One decision for many entries, in the caller's transaction: all of it commits or none. Entries
 * are locked in id order (two bulk decisions over overlapping entries cannot deadlock); one that
 * another member decided meanwhile is skipped and named, not decided twice. Any other refusal
 * (a mail with no sender to register) refuses the whole batch.
 */
export async function decideWaitingEmails(
  tx: Transaction,
  scope: TenantScope,
  input: { ids: string[]; action: BulkAction; now?: Date },
): Promise<BulkResult> {
  const now = input.now ?? new Date();
  const ids = [...new Set(input.ids)];
  const found = await tx
    .select({ id: inboundEmails.id })
    .from(inboundEmails)
    .where(and(eq(inboundEmails.tenantId, scope.tenantId), inArray(inboundEmails.id, ids)))
    .orderBy(asc(inboundEmails.id))
    .for("update");
  if (found.length !== ids.length) throw new NotFoundError("inbound_email");
  const result: BulkResult = { decided: [], alreadyDecided: [] };
  for (const { id } of found) {
    try {
      result.decided.push(await decideOne(tx, scope, id, input.action, now));
    } catch (error) {
      if (!(error instanceof RuleError && error.key === "waitingAlreadyDecided")) throw error;
      result.alreadyDecided.push(id);
    }
  }
  return result;
}

function decideOne(tx: Transaction, scope: TenantScope, id: string, action: BulkAction, now: Date): Promise<DecisionResult> {
  switch (action.kind) {
    case "convert":
      return convertWaitingEmail(tx, scope, { id, register: action.register, divisionId: action.divisionId, teamId: action.teamId, now });
    case "spam":
      return markWaitingSpam(tx, scope, { id, blockDomain: action.blockDomain, now });
    case "release":
      return releaseWaitingEmail(tx, scope, { id, now });
    case "delete":
      return deleteWaitingEmail(tx, scope, { id, now });
  }
}
