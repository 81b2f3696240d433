import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { divisions, type Mailbox, mailboxes, teams, users } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { canManageMailSettings } from "@/lib/auth/roles";
import { ForbiddenError } from "@/lib/errors";
import { replacedMailboxIds } from "@/lib/mailboxes/replacement";
import { dispatchStateOf, type MailboxDispatchState, type MailboxDispatchStatus, mailboxDispatchStatuses } from "./status";

/** Where a mailbox stands: in use, switched off, switched off for the one that replaced it, or removed. */
export type MailboxStanding = "active" | "inactive" | "replaced" | "removed";

export interface AccountOverviewRow {
  /** Its dispatch status, as the division's dispatcher page shows it (status.ts). */
  status: MailboxDispatchStatus;
  division: { id: string; name: string; dispatcherActive: boolean };
  /** The team whose mailbox it is, or null. */
  team: string | null;
  /** The operator whose personal mailbox it is, or null. */
  owner: string | null;
  authKind: Mailbox["authKind"];
  oauthProvider: Mailbox["oauthProvider"];
  isDefault: boolean;
  standing: MailboxStanding;
  /** What the dispatcher does with it; null for a removed one, which it never touches again. */
  dispatchState: MailboxDispatchState | null;
}

export interface AccountsOverview {
  /** Every division, for the filter, by name. */
  divisions: { id: string; name: string }[];
  accounts: AccountOverviewRow[];
}

/**
 * "All accounts": every mailbox of the company across its divisions, sorted by division then name,
 * with whose it is, how it signs in, where it stands and what the dispatcher does with it. Removed
 * ones only when asked for. Administrators only: it names every account's server and errors.
 */
export async function accountsOverview(
  tx: Executor,
  scope: TenantScope,
  input: { now: Date; includeRemoved?: boolean; divisionId?: string },
): Promise<AccountsOverview> {
  if (!canManageMailSettings(scope.role)) throw new ForbiddenError();
  const divisionList = await tx
    .select({ id: divisions.id, name: divisions.name, dispatcherActive: divisions.dispatcherActive })
    .from(divisions)
    .where(eq(divisions.tenantId, scope.tenantId))
    .orderBy(asc(divisions.name), asc(divisions.id));
  const divisionById = new Map(divisionList.map((division) => [division.id, division]));
  const shown = input.divisionId && divisionById.has(input.divisionId) ? [input.divisionId] : [...divisionById.keys()];
  const where = and(
    shown.length > 0 ? inArray(mailboxes.divisionId, shown) : undefined,
    input.includeRemoved ? undefined : isNull(mailboxes.removedAt),
  );

  const [statuses, details, replaced] = await Promise.all([
    mailboxDispatchStatuses(tx, scope, { where, now: input.now }),
    tx
      .select({
        id: mailboxes.id,
        divisionId: mailboxes.divisionId,
        team: teams.name,
        owner: users.name,
        authKind: mailboxes.authKind,
        oauthProvider: mailboxes.oauthProvider,
        isDefault: mailboxes.isDefault,
        removedAt: mailboxes.removedAt,
      })
      .from(mailboxes)
      .leftJoin(teams, and(eq(teams.tenantId, scope.tenantId), eq(teams.id, mailboxes.teamId)))
      .leftJoin(users, eq(users.id, mailboxes.ownerUserId))
      .where(and(eq(mailboxes.tenantId, scope.tenantId), where)),
    replacedMailboxIds(tx, scope),
  ]);
  const detailsById = new Map(details.map((row) => [row.id, row]));

  const accounts = statuses.map((status): AccountOverviewRow => {
    const row = detailsById.get(status.id)!;
    const division = divisionById.get(row.divisionId)!;
    const standing: MailboxStanding = row.removedAt
      ? "removed"
      : status.active
        ? "active"
        : replaced.has(status.id)
          ? "replaced"
          : "inactive";
    return {
      status,
      division,
      team: row.team,
      owner: row.owner,
      authKind: row.authKind,
      oauthProvider: row.oauthProvider,
      isDefault: row.isDefault,
      standing,
      dispatchState: standing === "removed" ? null : dispatchStateOf(status, division.dispatcherActive),
    };
  });
  // Sorted by division (by name, as the filter lists them), then by the mailbox's name as status.ts orders them.
  const order = new Map(divisionList.map((division, i) => [division.id, i]));
  accounts.sort((a, b) => order.get(a.division.id)! - order.get(b.division.id)!);
  return { divisions: divisionList.map(({ id, name }) => ({ id, name })), accounts };
}
