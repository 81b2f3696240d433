import { and, asc, eq, inArray, isNull, or, type SQL, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { divisions, type Mailbox, mailboxes, memberDefaultMailboxes, teamMembers, teams } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { recordAudit } from "@/lib/audit";
import { ForbiddenError, found, RuleError } from "@/lib/errors";

/**
 * The mailboxes a member may send from: the divisions' shared ones, those of the teams they are in,
 * and their own personal ones; never another operator's personal one, and never one removed or
 * switched off. A condition on `mailboxes`, for the lists and the checks below.
 */
function sendableBy(scope: TenantScope, userId: string): SQL {
  const myTeams = sql`(select ${teamMembers.teamId} from ${teamMembers} where ${teamMembers.tenantId} = ${scope.tenantId} and ${teamMembers.userId} = ${userId})`;
  return and(
    eq(mailboxes.tenantId, scope.tenantId),
    isNull(mailboxes.removedAt),
    eq(mailboxes.active, true),
    or(
      eq(mailboxes.ownerUserId, userId),
      and(isNull(mailboxes.ownerUserId), or(isNull(mailboxes.teamId), sql`${mailboxes.teamId} in ${myTeams}`)),
    ),
  )!;
}

/**
 * The member's default account in a division, while they may still send from it; null when they
 * chose none or it was removed, switched off, or is no longer theirs to send from (they left its
 * team): their replies then leave from the division's default.
 */
export async function memberDefaultMailbox(
  tx: Executor,
  scope: TenantScope,
  input: { userId: string; divisionId: string },
): Promise<Mailbox | null> {
  const [row] = await tx
    .select({ mailbox: mailboxes })
    .from(memberDefaultMailboxes)
    .innerJoin(mailboxes, eq(mailboxes.id, memberDefaultMailboxes.mailboxId))
    .where(
      and(
        eq(memberDefaultMailboxes.tenantId, scope.tenantId),
        eq(memberDefaultMailboxes.userId, input.userId),
        eq(memberDefaultMailboxes.divisionId, input.divisionId),
        eq(mailboxes.divisionId, input.divisionId),
        sendableBy(scope, input.userId),
      ),
    );
  return row?.mailbox ?? null;
}

export type AccountKind = "shared" | "team" | "personal";

export interface SendableAccount {
  id: string;
  name: string;
  address: string;
  kind: AccountKind;
  /** The team's name, for a team's mailbox. */
  teamName: string | null;
}

export interface DivisionAccounts {
  divisionId: string;
  divisionName: string;
  accounts: SendableAccount[];
  /** The member's own choice, while it still counts (see memberDefaultMailbox). */
  defaultMailboxId: string | null;
  /** The division's default account: what is used without a choice of theirs. */
  divisionDefault: { name: string; address: string } | null;
}

/** The signed-in member's accounts, per division that has any: what "My email accounts" lists. */
export async function listMyAccounts(tx: Executor, scope: TenantScope): Promise<DivisionAccounts[]> {
  const userId = requireMember(scope);
  const rows = await tx
    .select({
      id: mailboxes.id,
      name: mailboxes.name,
      address: mailboxes.address,
      divisionId: mailboxes.divisionId,
      divisionName: divisions.name,
      ownerUserId: mailboxes.ownerUserId,
      teamName: teams.name,
      isDefault: mailboxes.isDefault,
    })
    .from(mailboxes)
    .innerJoin(divisions, eq(divisions.id, mailboxes.divisionId))
    .leftJoin(teams, eq(teams.id, mailboxes.teamId))
    .where(sendableBy(scope, userId))
    .orderBy(asc(divisions.name), asc(mailboxes.createdAt), asc(mailboxes.id));
  const chosen = await tx
    .select({ divisionId: memberDefaultMailboxes.divisionId, mailboxId: memberDefaultMailboxes.mailboxId })
    .from(memberDefaultMailboxes)
    .where(and(eq(memberDefaultMailboxes.tenantId, scope.tenantId), eq(memberDefaultMailboxes.userId, userId)));
  const divisionIds = [...new Set(rows.map((row) => row.divisionId))];
  const divisionDefaults =
    divisionIds.length === 0
      ? []
      : await tx
          .select({ divisionId: mailboxes.divisionId, name: mailboxes.name, address: mailboxes.address })
          .from(mailboxes)
          .where(
            and(
              eq(mailboxes.tenantId, scope.tenantId),
              inArray(mailboxes.divisionId, divisionIds),
              eq(mailboxes.isDefault, true),
            ),
          );

  const byDivision = new Map<string, DivisionAccounts>();
  for (const row of rows) {
    let entry = byDivision.get(row.divisionId);
    if (!entry) {
      const fallback = divisionDefaults.find((mailbox) => mailbox.divisionId === row.divisionId);
      entry = {
        divisionId: row.divisionId,
        divisionName: row.divisionName,
        accounts: [],
        defaultMailboxId: null,
        divisionDefault: fallback ? { name: fallback.name, address: fallback.address } : null,
      };
      byDivision.set(row.divisionId, entry);
    }
    entry.accounts.push({
      id: row.id,
      name: row.name,
      address: row.address,
      kind: row.ownerUserId ? "personal" : row.teamName !== null ? "team" : "shared",
      teamName: row.teamName,
    });
  }
  for (const entry of byDivision.values()) {
    const choice = chosen.find((row) => row.divisionId === entry.divisionId);
    // A choice that no longer counts (removed, switched off, left the team) reads as none.
    if (choice && entry.accounts.some((account) => account.id === choice.mailboxId)) {
      entry.defaultMailboxId = choice.mailboxId;
    }
  }
  return [...byDivision.values()];
}

/** "Set as default": the member's replies in the mailbox's division leave from it from now on. */
export async function setDefaultAccount(tx: Executor, scope: TenantScope, input: { mailboxId: string }): Promise<void> {
  const userId = requireMember(scope);
  const [mailbox] = await tx
    .select({ id: mailboxes.id, divisionId: mailboxes.divisionId })
    .from(mailboxes)
    .where(and(eq(mailboxes.id, input.mailboxId), sendableBy(scope, userId)));
  // Not one they may send from (another operator's, a team they are not in, removed): refused.
  if (!mailbox) throw new RuleError("invalidInput", { mailboxId: ["notYourAccount"] });
  await tx
    .insert(memberDefaultMailboxes)
    .values({ tenantId: scope.tenantId, userId, divisionId: mailbox.divisionId, mailboxId: mailbox.id })
    .onConflictDoUpdate({
      target: [memberDefaultMailboxes.userId, memberDefaultMailboxes.divisionId],
      set: { mailboxId: mailbox.id },
    });
  await recordAudit(tx, scope, "member.defaultMailboxSet", { type: "mailbox", id: mailbox.id }, {
    divisionId: mailbox.divisionId,
  });
}

/** "Use the division's default": the member's own choice in that division is forgotten. */
export async function clearDefaultAccount(tx: Executor, scope: TenantScope, input: { divisionId: string }): Promise<void> {
  const userId = requireMember(scope);
  await tx
    .delete(memberDefaultMailboxes)
    .where(
      and(
        eq(memberDefaultMailboxes.tenantId, scope.tenantId),
        eq(memberDefaultMailboxes.userId, userId),
        eq(memberDefaultMailboxes.divisionId, input.divisionId),
      ),
    );
}

export interface PersonalMailbox {
  id: string;
  name: string;
  address: string;
  divisionName: string;
  active: boolean;
  connectionState: Mailbox["connectionState"];
  lastPollAt: Date | null;
  lastError: string | null;
  /** New tickets from it are assigned to the owner; otherwise they wait unassigned in the personal queue. */
  assignsToOwner: boolean;
}

/** The member's own personal mailboxes (switched off ones too, so they see why no mail comes). */
export async function listMyPersonalMailboxes(tx: Executor, scope: TenantScope): Promise<PersonalMailbox[]> {
  const userId = requireMember(scope);
  const rows = await tx
    .select({ mailbox: mailboxes, divisionName: divisions.name })
    .from(mailboxes)
    .innerJoin(divisions, eq(divisions.id, mailboxes.divisionId))
    .where(and(eq(mailboxes.tenantId, scope.tenantId), eq(mailboxes.ownerUserId, userId), isNull(mailboxes.removedAt)))
    .orderBy(asc(divisions.name), asc(mailboxes.createdAt));
  return rows.map(({ mailbox, divisionName }) => ({
    id: mailbox.id,
    name: mailbox.name,
    address: mailbox.address,
    divisionName,
    active: mailbox.active,
    connectionState: mailbox.connectionState,
    lastPollAt: mailbox.lastPollAt,
    lastError: mailbox.lastError,
    assignsToOwner: mailbox.defaultAssigneeId === userId,
  }));
}

/** Whether the member owns a personal mailbox (not removed): the queue then offers their personal queue. */
export async function hasPersonalMailboxes(tx: Executor, scope: TenantScope, userId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: mailboxes.id })
    .from(mailboxes)
    .where(and(eq(mailboxes.tenantId, scope.tenantId), eq(mailboxes.ownerUserId, userId), isNull(mailboxes.removedAt)))
    .limit(1);
  return row !== undefined;
}

/**
 * The owner's choice for their personal mailbox: new tickets assigned to them, or left unassigned
 * in their personal queue. Only the owner decides here; administrators do in the mailbox's form.
 */
export async function setPersonalMailboxAssignment(
  tx: Executor,
  scope: TenantScope,
  input: { mailboxId: string; assignToOwner: boolean },
): Promise<void> {
  const userId = requireMember(scope);
  const mailbox = found(
    (
      await tx
        .select({ id: mailboxes.id, ownerUserId: mailboxes.ownerUserId })
        .from(mailboxes)
        .where(and(eq(mailboxes.tenantId, scope.tenantId), eq(mailboxes.id, input.mailboxId), isNull(mailboxes.removedAt)))
    )[0] ?? null,
    "mailbox",
  );
  if (mailbox.ownerUserId !== userId) throw new ForbiddenError();
  await tx
    .update(mailboxes)
    .set({ defaultAssigneeId: input.assignToOwner ? userId : null, updatedAt: new Date() })
    .where(and(eq(mailboxes.tenantId, scope.tenantId), eq(mailboxes.id, mailbox.id)));
  await recordAudit(tx, scope, "mailbox.updated", { type: "mailbox", id: mailbox.id }, {
    assignsToOwner: input.assignToOwner,
  });
}

/** The accounts are a member's own: the operator (CLI, jobs) has none. */
function requireMember(scope: TenantScope): string {
  if (!scope.userId) throw new ForbiddenError();
  return scope.userId;
}
