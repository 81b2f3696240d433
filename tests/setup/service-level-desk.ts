import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { memberships, type Role, tickets, users } from "../../db/schema";
import type { TenantScope } from "../../db/tenant";
import type { DivisionSettingsPatch } from "../../lib/divisions/settings";
import { processInboundEmail } from "../../lib/inbound/process";
import { inboundKey, storeInboundEmail } from "../../lib/inbound/store";
import { mail } from "./mail-fixtures";
import { outboundDesk } from "./outbound-desk";

const nineToFive = { start: "09:00", end: "17:00" };

/** Monday to Friday, 09:00 to 17:00. */
export const officeHours = [nineToFive, nineToFive, nineToFive, nineToFive, nineToFive, null, null];

/**
 * A help desk in Warsaw, open on weekdays 09:00-17:00, whose mail arrives through a mailbox (mail
 * without one is an import) and leaves through it to `smtpPort` when given. `receive` takes mail
 * at a moment of the test's choosing.
 */
export async function serviceLevelDesk(
  db: Database,
  settings: DivisionSettingsPatch = {},
  options: { name?: string; smtpPort?: number } = {},
) {
  const desk = await outboundDesk(
    db,
    {
      sendConfirmations: false,
      timeZone: "Europe/Warsaw",
      businessHours: officeHours,
      firstResponseTargetMinutes: 60,
      resolutionTargetMinutes: 8 * 60,
      ...settings,
    },
    options.name,
  );
  const suffix = crypto.randomBytes(4).toString("hex");
  const mailbox = await desk.addMailbox(
    `support-${suffix}@acme.test`,
    options.smtpPort ? { smtpHost: "127.0.0.1", smtpPort: String(options.smtpPort), smtpSecurity: "none" } : {},
  );

  /** Mail to the mailbox (null: an import) at `now`; the ticket it made or went to. */
  async function receive(now: Date, fields: Parameters<typeof mail>[0] = {}, mailboxId: string | null = mailbox.id) {
    const raw = mail({ subject: "Printer on fire", ...fields });
    const { email } = await storeInboundEmail(db, {
      tenantId: desk.tenantId,
      divisionId: desk.divisionId,
      mailboxId,
      uniqueKey: inboundKey.import(raw),
      raw,
    });
    const result = await processInboundEmail(db, { tenantId: desk.tenantId, inboundEmailId: email.id, now });
    return ticketById(result.ticketId!);
  }

  async function ticketById(id: string) {
    return desk.tx(async (tx) => (await tx.select().from(tickets).where(and(eq(tickets.tenantId, desk.tenantId), eq(tickets.id, id))))[0]!);
  }

  /** A member of the company, signed in: their scope and address. */
  async function member(name: string, role: Role = "agent", locale = "en") {
    const [user] = await db
      .insert(users)
      .values({
        email: `${name.toLowerCase()}-${crypto.randomBytes(4).toString("hex")}@acme.test`,
        name,
        passwordHash: "not-a-real-hash",
        locale,
      })
      .returning();
    await desk.tx((tx) => tx.insert(memberships).values({ tenantId: desk.tenantId, userId: user!.id, role }));
    const scope: TenantScope = { tenantId: desk.tenantId, userId: user!.id, role };
    return { user: user!, scope };
  }

  return { ...desk, mailbox, receive, ticketById, member };
}
