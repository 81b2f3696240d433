import { and, asc, eq, ilike, isNull, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/db/client";
import { findDivision } from "@/db/queries/divisions";
import { type CannedReply, cannedReplies, contacts, divisions, tickets, users } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { recordAudit } from "@/lib/audit";
import { canManageDivisionCannedReplies } from "@/lib/auth/roles";
import { ForbiddenError, found, NotFoundError, RuleError } from "@/lib/errors";
import { zodFieldErrors } from "@/lib/forms";
import { fillPlaceholders, placeholdersIn } from "@/lib/templates/render";

/** The variables a canned reply may use, filled in for the ticket it is inserted into. */
export const cannedReplyVariables = [
  "customer.name",
  "customer.email",
  "ticket.number",
  "ticket.subject",
  "agent.name",
  "division.name",
] as const;
export type CannedReplyVariable = (typeof cannedReplyVariables)[number];

export type CannedReplyValues = Record<CannedReplyVariable, string>;

function isVariable(name: string): name is CannedReplyVariable {
  return (cannedReplyVariables as readonly string[]).includes(name);
}

/**
 * A canned reply's text for one ticket. Through the same renderer as the email templates; a name
 * that is no variable (a reply saved with a typo in it) stays as written, where the member sees it
 * in the reply box before sending.
 */
export function renderCannedReply(body: string, values: CannedReplyValues): string {
  return fillPlaceholders(body, (name) => (isVariable(name) ? values[name] : undefined));
}

/** What the editor saves. A `{{name}}` that is no variable is refused: it would reach no customer filled in. */
export const cannedReplyFields = z
  .object({
    name: z.string().trim().min(1, "required").max(100, "tooLong"),
    body: z.string().trim().min(1, "required").max(20_000, "tooLong"),
  })
  .superRefine((input, ctx) => {
    if (!placeholdersIn(input.body).every(isVariable)) {
      ctx.addIssue({ code: "custom", path: ["body"], message: "unknownPlaceholder" });
    }
  });
export type CannedReplyInput = z.input<typeof cannedReplyFields>;

function validated(input: CannedReplyInput) {
  const parsed = cannedReplyFields.safeParse(input);
  if (!parsed.success) throw new RuleError("invalidInput", zodFieldErrors(parsed.error));
  return parsed.data;
}

/**
 * A reply the member may see: any of a division's (every member works every division's tickets),
 * or one of their own. Another member's own replies are as absent as another tenant's.
 */
export async function getCannedReply(tx: Executor, scope: TenantScope, id: string): Promise<CannedReply> {
  const [reply] = await tx
    .select()
    .from(cannedReplies)
    .where(and(eq(cannedReplies.tenantId, scope.tenantId), eq(cannedReplies.id, id), visibleTo(scope)));
  if (!reply) throw new NotFoundError("cannedReply");
  return reply;
}

function visibleTo(scope: TenantScope) {
  return scope.userId
    ? or(isNull(cannedReplies.ownerUserId), eq(cannedReplies.ownerUserId, scope.userId))
    : isNull(cannedReplies.ownerUserId);
}

/** Division replies are the administrators' to change; one's own replies are one's own. */
function assertMayEdit(scope: TenantScope, reply: Pick<CannedReply, "divisionId" | "ownerUserId">): void {
  if (reply.divisionId !== null && !canManageDivisionCannedReplies(scope.role)) throw new ForbiddenError();
  if (reply.ownerUserId !== null && reply.ownerUserId !== scope.userId) throw new ForbiddenError();
}

/** A division's canned reply (`divisionId`), or, with `divisionId` null, the member's own. */
export async function createCannedReply(
  tx: Executor,
  scope: TenantScope,
  input: CannedReplyInput & { divisionId: string | null },
): Promise<CannedReply> {
  const owner = input.divisionId
    ? { divisionId: found(await findDivision(tx, scope, { divisionId: input.divisionId }), "division").id, ownerUserId: null }
    : { divisionId: null, ownerUserId: scope.userId };
  // The operator (CLI, jobs) is nobody: it has no replies of its own.
  if (owner.divisionId === null && owner.ownerUserId === null) throw new ForbiddenError();
  assertMayEdit(scope, owner);
  const values = validated(input);
  const [reply] = await tx
    .insert(cannedReplies)
    .values({ tenantId: scope.tenantId, ...owner, ...values })
    .returning();
  if (!reply) throw new Error("Canned reply insert returned nothing");
  await recordAudit(tx, scope, "canned_reply.created", { type: "canned_reply", id: reply.id }, {
    divisionId: reply.divisionId,
    personal: reply.ownerUserId !== null,
  });
  return reply;
}

export async function updateCannedReply(
  tx: Executor,
  scope: TenantScope,
  id: string,
  input: CannedReplyInput,
): Promise<CannedReply> {
  const current = await getCannedReply(tx, scope, id);
  assertMayEdit(scope, current);
  const values = validated(input);
  const [updated] = await tx
    .update(cannedReplies)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(cannedReplies.tenantId, scope.tenantId), eq(cannedReplies.id, id)))
    .returning();
  if (!updated) throw new NotFoundError("cannedReply");
  await recordAudit(tx, scope, "canned_reply.updated", { type: "canned_reply", id }, {
    changed: (["name", "body"] as const).filter((field) => current[field] !== updated[field]),
  });
  return updated;
}

export async function deleteCannedReply(tx: Executor, scope: TenantScope, id: string): Promise<void> {
  const current = await getCannedReply(tx, scope, id);
  assertMayEdit(scope, current);
  await tx.delete(cannedReplies).where(and(eq(cannedReplies.tenantId, scope.tenantId), eq(cannedReplies.id, id)));
  await recordAudit(tx, scope, "canned_reply.deleted", { type: "canned_reply", id }, {
    divisionId: current.divisionId,
    name: current.name,
  });
}

/** A division's canned replies, by name. */
export async function listDivisionCannedReplies(tx: Executor, scope: TenantScope, divisionId: string) {
  return tx
    .select()
    .from(cannedReplies)
    .where(and(eq(cannedReplies.tenantId, scope.tenantId), eq(cannedReplies.divisionId, divisionId)))
    .orderBy(asc(cannedReplies.name), asc(cannedReplies.createdAt));
}

/** The member's own canned replies, by name. */
export async function listOwnCannedReplies(tx: Executor, scope: TenantScope) {
  if (!scope.userId) return [];
  return tx
    .select()
    .from(cannedReplies)
    .where(and(eq(cannedReplies.tenantId, scope.tenantId), eq(cannedReplies.ownerUserId, scope.userId)))
    .orderBy(asc(cannedReplies.name), asc(cannedReplies.createdAt));
}

/** Escapes LIKE's wildcards: a search for "50%" finds that text. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** The ticket's division, and what the variables are for the ticket, written by this member. */
async function ticketValues(
  tx: Executor,
  scope: TenantScope,
  ticketId: string,
): Promise<{ divisionId: string; values: CannedReplyValues }> {
  const [row] = await tx
    .select({
      divisionId: tickets.divisionId,
      number: tickets.number,
      subject: tickets.subject,
      divisionName: divisions.name,
      customerEmail: contacts.email,
      customerName: contacts.name,
    })
    .from(tickets)
    .innerJoin(divisions, and(eq(divisions.tenantId, scope.tenantId), eq(divisions.id, tickets.divisionId)))
    .leftJoin(contacts, and(eq(contacts.tenantId, scope.tenantId), eq(contacts.id, tickets.contactId)))
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.id, ticketId)));
  if (!row) throw new NotFoundError("ticket");
  const [agent] = scope.userId
    ? await tx.select({ name: users.name }).from(users).where(eq(users.id, scope.userId))
    : [];
  const email = row.customerEmail ?? "";
  return {
    divisionId: row.divisionId,
    values: {
      // A customer whose name we never learnt is greeted by address rather than by nothing.
      "customer.name": row.customerName?.trim() || email,
      "customer.email": email,
      "ticket.number": String(row.number),
      "ticket.subject": row.subject,
      "agent.name": agent?.name ?? "",
      "division.name": row.divisionName,
    },
  };
}

/**
 * The canned replies a member may insert on a ticket: its division's and their own, whose name or
 * text contains the query, each with its text filled in for this ticket. The division's first.
 */
export async function listForTicket(
  tx: Executor,
  scope: TenantScope,
  input: { ticketId: string; query?: string },
) {
  const { divisionId, values } = await ticketValues(tx, scope, input.ticketId);
  const query = input.query?.trim() ?? "";
  const rows = await tx
    .select()
    .from(cannedReplies)
    .where(
      and(
        eq(cannedReplies.tenantId, scope.tenantId),
        or(
          eq(cannedReplies.divisionId, divisionId),
          scope.userId ? eq(cannedReplies.ownerUserId, scope.userId) : undefined,
        ),
        query === "" ? undefined : or(ilike(cannedReplies.name, likePattern(query)), ilike(cannedReplies.body, likePattern(query))),
      ),
    )
    .orderBy(sql`${cannedReplies.ownerUserId} is not null`, asc(cannedReplies.name), asc(cannedReplies.createdAt));
  return rows.map((reply) => ({
    id: reply.id,
    name: reply.name,
    personal: reply.ownerUserId !== null,
    text: renderCannedReply(reply.body, values),
  }));
}
