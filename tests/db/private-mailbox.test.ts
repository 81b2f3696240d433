import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, contacts, memberships, type Role, users } from "../../db/schema";
import { type TenantScope, withTenant } from "../../db/tenant";
import { listContacts } from "../../lib/contacts/directory";
import { getContact, otherOpenTickets } from "../../lib/contacts/history";
import { processInboundEmail } from "../../lib/inbound/process";
import { inboundKey, storeInboundEmail } from "../../lib/inbound/store";
import { createMailbox, updateMailbox } from "../../lib/mailboxes/mailboxes";
import { mailboxSettingsSchema } from "../../lib/mailboxes/settings";
import { makeTenant, testDatabase } from "../setup/db";
import { mail } from "../setup/mail-fixtures";
import { mailboxForm } from "../setup/rights-desk";

const db = await testDatabase();

/**
 * A company with an owner, an administrator and an agent, a shared mailbox and a private one (the
 * management's), and one customer who wrote to both.
 */
async function helpDesk() {
  const company = await makeTenant(db, "Private");
  const tenantId = company.tenant.id;
  const owner: TenantScope = { tenantId, userId: company.user.id, role: "owner" };
  const member = async (role: Role): Promise<TenantScope> => {
    const suffix = crypto.randomBytes(4).toString("hex");
    const [user] = await db
      .insert(users)
      .values({ email: `${role}-${suffix}@private.test`, name: `A ${role}`, passwordHash: "not-a-real-hash" })
      .returning();
    await withTenant(db, tenantId, (tx) => tx.insert(memberships).values({ tenantId, userId: user!.id, role }));
    return { tenantId, userId: user!.id, role };
  };
  const admin = await member("admin");
  const agent = await member("agent");
  const { shared, management } = await withTenant(db, tenantId, async (tx) => ({
    shared: await createMailbox(tx, owner, company.divisionId, mailboxSettingsSchema.parse(mailboxForm("support@acme.test"))),
    management: await createMailbox(tx, owner, company.divisionId, mailboxSettingsSchema.parse(mailboxForm("board@acme.test", { privateMail: true }))),
  }));

  /** A mail fetched by one of the mailboxes, through the whole pipeline as a poll would. */
  const receive = async (mailboxId: string, raw: Buffer) => {
    const { email } = await storeInboundEmail(db, {
      tenantId,
      divisionId: company.divisionId,
      mailboxId,
      uniqueKey: inboundKey.imap(mailboxId, 1, crypto.randomInt(1, 2 ** 31)),
      raw,
    });
    const result = await processInboundEmail(db, { tenantId, inboundEmailId: email.id });
    expect(result.outcome).toMatch(/^ticket_/);
    return result.ticketId!;
  };
  const printer = await receive(shared.id, mail({ subject: "Printer on fire" }));
  const salary = await receive(management.id, mail({ subject: "My salary", to: "board@acme.test" }));
  const [customer] = await withTenant(db, tenantId, (tx) =>
    tx.select().from(contacts).where(eq(contacts.email, "jan@customer.test")),
  );

  const history = (scope: TenantScope) => withTenant(db, tenantId, (tx) => getContact(tx, scope, customer!.id));
  const subjects = async (scope: TenantScope) => (await history(scope)).tickets.map((ticket) => ticket.subject).sort();
  const sidebar = async (scope: TenantScope, ticketId: string) =>
    (await withTenant(db, tenantId, (tx) => otherOpenTickets(tx, scope, { ticketId }))).map((ticket) => ticket.subject);
  const setPrivate = (privateMail: boolean) =>
    withTenant(db, tenantId, (tx) =>
      updateMailbox(tx, owner, management.id, mailboxSettingsSchema.parse({ ...mailboxForm("board@acme.test", { privateMail }), password: "" })),
    );
  return { tenantId, owner, admin, agent, shared, management, receive, printer, salary, history, subjects, sidebar, setPrivate };
}

describe("a mailbox marked 'Mark incoming mail as private'", () => {
  it("keeps its ticket out of the customer's history and counts for an agent; the owner and an administrator see it", async () => {
    const desk = await helpDesk();
    expect(desk.management.privateMail).toBe(true);
    expect(desk.shared.privateMail).toBe(false);

    expect(await desk.subjects(desk.agent)).toEqual(["Printer on fire"]);
    expect((await desk.history(desk.agent)).activity).toMatchObject({ ticketCount: 1, openTicketCount: 1 });
    for (const staff of [desk.owner, desk.admin]) {
      expect(await desk.subjects(staff)).toEqual(["My salary", "Printer on fire"]);
      expect((await desk.history(staff)).activity).toMatchObject({ ticketCount: 2, openTicketCount: 2 });
    }
  });

  it("counts it in the contacts list only for those who may read it", async () => {
    const desk = await helpDesk();
    const counts = async (scope: TenantScope) => {
      const list = await withTenant(db, desk.tenantId, (tx) => listContacts(tx, scope, { query: "jan@customer.test" }));
      return list.contacts.map(({ ticketCount, openTicketCount }) => ({ ticketCount, openTicketCount }));
    };
    expect(await counts(desk.agent)).toEqual([{ ticketCount: 1, openTicketCount: 1 }]);
    expect(await counts(desk.admin)).toEqual([{ ticketCount: 2, openTicketCount: 2 }]);
  });

  it("leaves its ticket out of another ticket's 'other open tickets' for an agent, not for an administrator", async () => {
    const desk = await helpDesk();
    expect(await desk.sidebar(desk.agent, desk.printer)).toEqual([]);
    expect(await desk.sidebar(desk.admin, desk.printer)).toEqual(["My salary"]);
    expect(await desk.sidebar(desk.owner, desk.printer)).toEqual(["My salary"]);
  });

  it("shows a ticket from a mailbox that is not private to everyone, in the history and beside the private one", async () => {
    const desk = await helpDesk();
    const toner = await desk.receive(desk.shared.id, mail({ subject: "Out of toner" }));
    expect(await desk.subjects(desk.agent)).toEqual(["Out of toner", "Printer on fire"]);
    expect(await desk.sidebar(desk.agent, toner)).toEqual(["Printer on fire"]);
    // The one who reads private mail sees the customer's other tickets from it, beside the private one.
    expect((await desk.sidebar(desk.admin, desk.salary)).sort()).toEqual(["Out of toner", "Printer on fire"]);
  });

  it("hides a ticket of the shared mailbox once the customer's reply comes in through the private one", async () => {
    const desk = await helpDesk();
    const first = mail({ subject: "Invoice", messageId: `invoice-${crypto.randomUUID()}@customer.test` });
    const invoice = await desk.receive(desk.shared.id, first);
    expect(await desk.subjects(desk.agent)).toContain("Invoice");
    const messageId = /^Message-ID: <(.+)>$/m.exec(first.toString())![1]!;
    const reply = await desk.receive(
      desk.management.id,
      mail({ subject: "Re: Invoice", to: "board@acme.test", inReplyTo: messageId, references: `<${messageId}>` }),
    );
    expect(reply).toBe(invoice);
    expect(await desk.subjects(desk.agent)).toEqual(["Printer on fire"]);
    expect(await desk.subjects(desk.admin)).toEqual(["Invoice", "My salary", "Printer on fire"]);
  });

  it("shows the ticket to an agent again once the flag is switched off, and the audit log says when it changed", async () => {
    const desk = await helpDesk();
    const unmarked = await desk.setPrivate(false);
    expect(unmarked.privateMail).toBe(false);
    expect(await desk.subjects(desk.agent)).toEqual(["My salary", "Printer on fire"]);
    expect(await desk.sidebar(desk.agent, desk.printer)).toEqual(["My salary"]);

    await desk.setPrivate(true);
    expect(await desk.subjects(desk.agent)).toEqual(["Printer on fire"]);
    const logged = await withTenant(db, desk.tenantId, (tx) =>
      tx.select().from(auditLog).where(eq(auditLog.targetId, desk.management.id)).orderBy(auditLog.id),
    );
    expect(logged.map((entry) => [entry.action, entry.details.privateMail])).toEqual([
      ["mailbox.created", true],
      ["mailbox.updated", false],
      ["mailbox.updated", true],
    ]);
  });
});
