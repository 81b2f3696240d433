import { and, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { auditLog, type Mailbox, mailboxes, memberDefaultMailboxes, teams } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { recordAudit } from "@/lib/audit";
import { canManageMailSettings } from "@/lib/auth/roles";
import { ForbiddenError } from "@/lib/errors";
import { createMailbox } from "./mailboxes";
import { liveMailbox } from "./removal";
import type { MailboxSettings } from "./settings";

/** The audit action that marks a mailbox as replaced: the overview reads "Replaced" from it. */
export const REPLACED_ACTION = "mailbox.replaced";

export interface Replacement {
  mailbox: Mailbox;
  /** What the new mailbox took over from the old one. */
  tookOver: { isDefault: boolean; teams: number };
}

/**
 * Replaces a mailbox by a new one for the same address (seed: a POP3 account replaced by IMAP), in
 * one transaction: the new one is created, and the old one is made inactive, not removed, so its
 * mail stays readable as an archive. Created and switched over together, so an abandoned form never
 * leaves the address unpolled. The new one takes the old one's place: the division's default
 * account, the teams that sent from it and the members whose default it was (its owner and ticket
 * defaults come with the form, prefilled from the old one). It does not
 * ingest again what the old one took: the tenant's Message-ID check (lib/inbound/first-delivery.ts)
 * makes those copies duplicates.
 */
export async function replaceMailbox(
  tx: Executor,
  scope: TenantScope,
  input: { replacesId: string; settings: MailboxSettings },
): Promise<Replacement> {
  if (!canManageMailSettings(scope.role)) throw new ForbiddenError();
  const old = await liveMailbox(tx, scope, input.replacesId);
  const created = await createMailbox(tx, scope, old.divisionId, input.settings);
  // The default first given up, then taken: one per division at any moment (mailboxes_division_default_key).
  await tx
    .update(mailboxes)
    .set({ active: false, isDefault: false, updatedAt: new Date() })
    .where(and(eq(mailboxes.tenantId, scope.tenantId), eq(mailboxes.id, old.id)));
  const [mailbox] = await tx
    .update(mailboxes)
    .set({ isDefault: old.isDefault || created.isDefault })
    .where(and(eq(mailboxes.tenantId, scope.tenantId), eq(mailboxes.id, created.id)))
    .returning();
  await tx
    .update(memberDefaultMailboxes)
    .set({ mailboxId: created.id })
    .where(and(eq(memberDefaultMailboxes.tenantId, scope.tenantId), eq(memberDefaultMailboxes.mailboxId, old.id)));
  const sending = await tx
    .update(teams)
    .set({ outboundMailboxId: created.id })
    .where(and(eq(teams.tenantId, scope.tenantId), eq(teams.outboundMailboxId, old.id)))
    .returning({ id: teams.id });
  const tookOver = { isDefault: old.isDefault, teams: sending.length };
  await recordAudit(tx, scope, REPLACED_ACTION, { type: "mailbox", id: old.id }, { by: created.id, ...tookOver });
  return { mailbox: mailbox!, tookOver };
}

/** The mailboxes of the tenant that were ever replaced by another (one switched back on since is active again). */
export async function replacedMailboxIds(tx: Executor, scope: TenantScope): Promise<Set<string>> {
  const rows = await tx
    .selectDistinct({ id: auditLog.targetId })
    .from(auditLog)
    .where(and(eq(auditLog.tenantId, scope.tenantId), eq(auditLog.action, REPLACED_ACTION)));
  return new Set(rows.flatMap((row) => row.id ?? []));
}
