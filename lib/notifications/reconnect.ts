import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { type Mailbox, memberships, notifications, users } from "@/db/schema";
import type { TenantScope } from "@/db/tenant";
import { emailReconnect } from "./email";

/**
 * A mailbox's OAuth2 account must be connected again: whoever connected it and the company's
 * administrators are told, in the app and by email. Called once, when the mailbox enters the state
 * (lib/dispatch/poll-state.ts), never at each failed poll after.
 */
export async function notifyReconnectNeeded(
  tx: Executor,
  scope: TenantScope,
  mailbox: Pick<Mailbox, "id" | "divisionId" | "address" | "oauthConnectedBy">,
): Promise<number> {
  const admins = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(
      and(
        eq(memberships.tenantId, scope.tenantId),
        inArray(memberships.role, ["owner", "admin"]),
        isNull(memberships.deactivatedAt),
      ),
    );
  const connector = mailbox.oauthConnectedBy
    ? await tx
        .select({ id: users.id, name: users.name, email: users.email })
        .from(users)
        .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.tenantId, scope.tenantId)))
        .where(eq(users.id, mailbox.oauthConnectedBy))
    : [];
  const recipients = [...new Set([...connector.map((user) => user.id), ...admins.map((admin) => admin.userId)])];
  if (recipients.length === 0) return 0;
  const connectedBy = connector[0] ? (connector[0].name ?? connector[0].email) : "";
  await tx.insert(notifications).values(
    recipients.map((userId) => ({
      tenantId: scope.tenantId,
      userId,
      kind: "mailbox.needsReconnect",
      data: { mailboxId: mailbox.id, divisionId: mailbox.divisionId, address: mailbox.address, connectedBy },
    })),
  );
  await emailReconnect(tx, scope, { mailbox, connectedBy, userIds: recipients });
  return recipients.length;
}
