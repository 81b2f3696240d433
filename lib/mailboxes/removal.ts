import { and, count, eq, isNull, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { divisions, type Mailbox, mailboxes, teams, tickets } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { recordAudit } from "@/lib/audit";
import { canManageMailSettings } from "@/lib/auth/roles";
import { ForbiddenError, found, RuleError } from "@/lib/errors";
import { findMailbox } from "@/db/queries/mailboxes";

/** What removing a mailbox touches, for the confirmation step to say before anything happens. */
export interface RemovalImpact {
  /** Tickets its mail made: they stay, and stay visible to exactly whom they were. */
  tickets: number;
  isDefault: boolean;
  /** Teams that send from it: they fall back to the division's default account. */
  teams: string[];
}

/** A mailbox that is not removed: the lists, pickers and senders see only these. */
export const notRemoved = isNull(mailboxes.removedAt);

export async function liveMailbox(tx: Executor, scope: TenantScope, mailboxId: string): Promise<Mailbox> {
  const mailbox = found(await findMailbox(tx, scope, { mailboxId }), "mailbox");
  // Gone from every list: to anyone who still has its address, as if it never was.
  if (mailbox.removedAt) throw new RuleError("mailboxRemoved");
  return mailbox;
}

export async function removalImpact(tx: Executor, scope: TenantScope, mailboxId: string): Promise<RemovalImpact> {
  const mailbox = await liveMailbox(tx, scope, mailboxId);
  const [ticketCount] = await tx
    .select({ n: count() })
    .from(tickets)
    .where(and(eq(tickets.tenantId, scope.tenantId), eq(tickets.mailboxId, mailboxId)));
  const sending = await tx
    .select({ name: teams.name })
    .from(teams)
    .where(and(eq(teams.tenantId, scope.tenantId), eq(teams.outboundMailboxId, mailboxId)))
    .orderBy(teams.name);
  return { tickets: ticketCount?.n ?? 0, isDefault: mailbox.isDefault, teams: sending.map((team) => team.name) };
}

/**
 * Removes a mailbox for good, as far as anyone can tell: it is never polled again (inactive, and
 * the dispatcher skips removed rows as well), it leaves every list and picker, and its secrets are
 * wiped, since nobody may sign in with them again. The row stays: its tickets keep pointing to it
 * (so who may see them does not change) and its stored mail stays until purged. Teams that sent
 * from it, mass mail that chose it, and the division when it was its default account, fall back to
 * the division's default.
 * A poll already running stops before its next mail (lib/dispatch/lease.ts stillPollable).
 */
export async function removeMailbox(
  tx: Executor,
  scope: TenantScope,
  input: { mailboxId: string; now: Date },
): Promise<RemovalImpact> {
  if (!canManageMailSettings(scope.role)) throw new ForbiddenError();
  const impact = await removalImpact(tx, scope, input.mailboxId);
  await tx
    .update(mailboxes)
    .set({
      removedAt: input.now,
      active: false,
      isDefault: false,
      passwordEnc: null,
      smtpPasswordEnc: null,
      oauthTokensEnc: null,
      oauthExpiresAt: null,
      updatedAt: input.now,
    })
    .where(and(eq(mailboxes.tenantId, scope.tenantId), eq(mailboxes.id, input.mailboxId)));
  if (impact.teams.length > 0) {
    await tx
      .update(teams)
      .set({ outboundMailboxId: null })
      .where(and(eq(teams.tenantId, scope.tenantId), eq(teams.outboundMailboxId, input.mailboxId)));
  }
  // Mass mail chose it: it leaves from the division's default account again.
  await tx
    .update(divisions)
    .set({ massMailFromMailboxId: null })
    .where(and(eq(divisions.tenantId, scope.tenantId), eq(divisions.massMailFromMailboxId, input.mailboxId)));
  await recordAudit(tx, scope, "mailbox.removed", { type: "mailbox", id: input.mailboxId }, { ...impact });
  return impact;
}

/**
 * Makes the mailbox its division's default account: the division's mail leaves from it when
 * neither the ticket's team nor the member says otherwise. The old default is cleared first, in the
 * same transaction: the unique partial index (mailboxes_division_default_key) allows one per division.
 */
export async function setDefaultMailbox(tx: Executor, scope: TenantScope, mailboxId: string): Promise<Mailbox> {
  if (!canManageMailSettings(scope.role)) throw new ForbiddenError();
  const mailbox = await liveMailbox(tx, scope, mailboxId);
  if (mailbox.isDefault) return mailbox;
  // The division's mail would leave from an account nobody polls or keeps signed in.
  if (!mailbox.active) throw new RuleError("mailboxInactive");
  const [previous] = await tx
    .update(mailboxes)
    .set({ isDefault: false })
    .where(and(eq(mailboxes.tenantId, scope.tenantId), eq(mailboxes.divisionId, mailbox.divisionId), eq(mailboxes.isDefault, true)))
    .returning({ id: mailboxes.id });
  const [updated] = await tx
    .update(mailboxes)
    .set({ isDefault: true, updatedAt: sql`now()` })
    .where(and(eq(mailboxes.tenantId, scope.tenantId), eq(mailboxes.id, mailboxId)))
    .returning();
  await recordAudit(tx, scope, "mailbox.defaultSet", { type: "mailbox", id: mailboxId }, {
    divisionId: mailbox.divisionId,
    previousDefault: previous?.id ?? null,
  });
  return updated!;
}
