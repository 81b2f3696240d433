import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { divisions, type Mailbox, mailboxes } from "../../db/schema";
import { withTenant } from "../../db/tenant";
import { makeTenant } from "./db";

type MailboxState = Partial<Pick<Mailbox, "active" | "nextPollAt" | "leaseOwner" | "leaseExpiresAt" | "failureCount">>;

/**
 * A company whose division's dispatcher is on or off, and a way to add mailboxes in any dispatch
 * state (the dispatcher's queries look at nothing else; no server is ever asked).
 */
export async function dispatchDesk(db: Database, name: string, dispatcherActive = true) {
  const company = await makeTenant(db, name);
  const tenantId = company.tenant.id;
  if (!dispatcherActive) {
    await withTenant(db, tenantId, (tx) => tx.update(divisions).set({ dispatcherActive }).where(eq(divisions.id, company.divisionId)));
  }
  const domain = `${name.toLowerCase().replace(/[^a-z0-9]/g, "") || "x"}.test`;
  return {
    tenantId,
    async mailbox(state: MailboxState = {}): Promise<string> {
      const user = `support-${crypto.randomBytes(4).toString("hex")}`;
      const [row] = await withTenant(db, tenantId, (tx) =>
        tx
          .insert(mailboxes)
          .values({
            tenantId,
            divisionId: company.divisionId,
            name: user,
            address: `${user}@${domain}`,
            protocol: "imap",
            host: `mail.${domain}`,
            port: 993,
            security: "tls",
            username: user,
            ...state,
          })
          .returning({ id: mailboxes.id }),
      );
      return row!.id;
    },
  };
}
