import { and, asc, eq } from "drizzle-orm";
import type { Database, Transaction } from "../../db/client";
import { outbox, tickets } from "../../db/schema";
import { operatorScope, withTenant } from "../../db/tenant";
import { updateDivisionSettings } from "../../lib/divisions/divisions";
import type { DivisionSettingsPatch } from "../../lib/divisions/settings";
import { processInboundEmail } from "../../lib/inbound/process";
import { inboundKey, storeInboundEmail } from "../../lib/inbound/store";
import { createMailbox } from "../../lib/mailboxes/mailboxes";
import { type MailboxSettingsInput, mailboxSettingsSchema } from "../../lib/mailboxes/settings";
import { makeTenant } from "./db";

/**
 * A help desk that receives mail by import and sends through mailboxes whose SMTP server is given
 * (or none): for the outbound rules, with or without a real SMTP server behind them.
 */
export async function outboundDesk(db: Database, settings: DivisionSettingsPatch = {}, name = "Acme") {
  const company = await makeTenant(db, name);
  const tenantId = company.tenant.id;
  const scope = operatorScope(tenantId);
  /** The owner, signed in: what a staff member does in the web app. */
  const ownerScope = { tenantId, userId: company.user.id, role: "owner" as const };
  const divisionId = company.divisionId;
  const tx = <T>(work: (t: Transaction) => Promise<T>) => withTenant(db, tenantId, work);
  const division = await tx((t) =>
    updateDivisionSettings(t, scope, divisionId, { tag: "ACME", sendingEnabled: true, ...settings }),
  );

  async function addMailbox(address: string, fields: Partial<MailboxSettingsInput> = {}) {
    return tx((t) =>
      createMailbox(
        t,
        scope,
        divisionId,
        mailboxSettingsSchema.parse({
          name: address.split("@")[0],
          address,
          protocol: "imap",
          host: "127.0.0.1",
          port: "1",
          security: "none",
          username: address,
          password: "secret",
          active: "on",
          ...fields,
        }),
      ),
    );
  }

  async function receive(raw: Buffer, mailboxId: string | null = null) {
    const { email } = await storeInboundEmail(db, { tenantId, divisionId, mailboxId, uniqueKey: inboundKey.import(raw), raw });
    return processInboundEmail(db, { tenantId, inboundEmailId: email.id });
  }

  const ticket = async (number: number) =>
    tx(async (t) => (await t.select().from(tickets).where(and(eq(tickets.divisionId, divisionId), eq(tickets.number, number))))[0]!);

  const outboxRows = (kind?: "reply" | "confirmation" | "notification" | "mass_mail") =>
    tx((t) =>
      t
        .select()
        .from(outbox)
        .where(and(eq(outbox.divisionId, divisionId), kind ? eq(outbox.kind, kind) : undefined))
        .orderBy(asc(outbox.createdAt), asc(outbox.id)),
    );

  return { company, tenantId, scope, ownerScope, divisionId, division, tx, addMailbox, receive, ticket, outboxRows };
}
