import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { expect } from "vitest";
import type { Database } from "../../db/client";
import { contacts, mailboxes, memberships, type Role, teamMembers, teams, tickets, users } from "../../db/schema";
import { type TenantScope, withScope, withTenant } from "../../db/tenant";
import { hashPassword } from "../../lib/auth/password";
import { getContact } from "../../lib/contacts/history";
import { processInboundEmail } from "../../lib/inbound/process";
import { inboundKey, storeInboundEmail } from "../../lib/inbound/store";
import { createMailbox } from "../../lib/mailboxes/mailboxes";
import { mailboxSettingsSchema } from "../../lib/mailboxes/settings";
import { listQueue } from "../../lib/tickets/queue";
import { parseSearch } from "../../lib/tickets/queue-search";
import { getTicket } from "../../lib/tickets/tickets";
import { makeTenant } from "./db";
import { mail } from "./mail-fixtures";

/**
 * A help desk to test who sees what (tests/db/mailbox-rights*.test.ts, tests/e2e/mailbox-rights.test.ts).
 */

/** The mailbox form as a browser posts it: a ticked checkbox is "on", an unticked one is absent. */
export function mailboxForm(address: string, { privateMail = false } = {}): Record<string, string> {
  return {
    name: address.split("@")[0]!,
    address,
    protocol: "imap",
    host: "imap.acme.test",
    security: "tls",
    username: address,
    password: "Mailbox-Password-1",
    active: "on",
    ...(privateMail ? { privateMail: "on" } : {}),
  };
}

/**
 * A company with a shared mailbox, Anna's personal one and the Sales team's (Bartek is in Sales),
 * one customer who wrote to each, and one ticket made by hand.
 */
export async function rightsDesk(db: Database) {
  const company = await makeTenant(db, "Rights");
  const tenantId = company.tenant.id;
  const owner: TenantScope = { tenantId, userId: company.user.id, role: "owner" };
  /** How each member signs in, for the browser. */
  const signIns: Record<string, { email: string; password: string }> = {};
  const member = async (name: string, role: Role, mayReadOthersMailboxes = false): Promise<TenantScope> => {
    const suffix = crypto.randomBytes(4).toString("hex");
    const email = `${name.toLowerCase()}-${suffix}@rights.test`;
    const password = `Correct-Horse-${suffix}`;
    signIns[name] = { email, password };
    const [user] = await db
      .insert(users)
      .values({ email, name, passwordHash: await hashPassword(password) })
      .returning();
    await withTenant(db, tenantId, (tx) =>
      tx.insert(memberships).values({ tenantId, userId: user!.id, role, mayReadOthersMailboxes }),
    );
    return { tenantId, userId: user!.id, role, mayReadOthersMailboxes };
  };
  const anna = await member("Anna", "agent");
  const bartek = await member("Bartek", "agent");
  const celina = await member("Celina", "agent", true);
  const admin = await member("Adam", "admin");
  const light = await member("Lena", "light");

  const setup = await withTenant(db, tenantId, async (tx) => {
    const create = (address: string) =>
      createMailbox(tx, owner, company.divisionId, mailboxSettingsSchema.parse(mailboxForm(address)));
    const shared = await create("support@acme.test");
    const personal = await create("anna@acme.test");
    const sales = await create("sales@acme.test");
    const [team] = await tx.insert(teams).values({ tenantId, divisionId: company.divisionId, name: "Sales" }).returning();
    await tx.insert(teamMembers).values({ tenantId, teamId: team!.id, userId: bartek.userId! });
    await tx.update(mailboxes).set({ ownerUserId: anna.userId }).where(eq(mailboxes.id, personal.id));
    await tx.update(mailboxes).set({ teamId: team!.id }).where(eq(mailboxes.id, sales.id));
    return { shared, personal, sales, salesTeamId: team!.id };
  });

  /** A mail fetched by one of the mailboxes, through the whole pipeline as a poll would. */
  const deliver = async (mailboxId: string, subject: string) => {
    const { email } = await storeInboundEmail(db, {
      tenantId,
      divisionId: company.divisionId,
      mailboxId,
      uniqueKey: inboundKey.imap(mailboxId, 1, crypto.randomInt(1, 2 ** 31)),
      raw: mail({ subject, messageId: `<${crypto.randomUUID()}@customer.test>` }),
    });
    return processInboundEmail(db, { tenantId, inboundEmailId: email.id });
  };
  const receive = async (mailboxId: string, subject: string) => {
    const result = await deliver(mailboxId, subject);
    expect(result.outcome).toBe("ticket_created");
    return result.ticketId!;
  };
  const printer = await receive(setup.shared.id, "Printer on fire");
  const salary = await receive(setup.personal.id, "Salary slip for Anna");
  const offer = await receive(setup.sales.id, "Offer for ten licences");
  const byHand = await withTenant(db, tenantId, async (tx) => {
    const [ticket] = await tx
      .insert(tickets)
      .values({ tenantId, divisionId: company.divisionId, number: 99, subject: "Call back Mr Nowak" })
      .returning();
    return ticket!.id;
  });
  const [customer] = await withTenant(db, tenantId, (tx) =>
    tx.select().from(contacts).where(eq(contacts.email, "jan@customer.test")),
  );

  const subjectOf: Record<string, string> = {
    [printer]: "Printer on fire",
    [salary]: "Salary slip for Anna",
    [offer]: "Offer for ten licences",
    [byHand]: "Call back Mr Nowak",
  };
  const queue = async (scope: TenantScope) =>
    (await withScope(db, scope, (tx) => listQueue(tx, scope, {}))).rows.map((row) => row.subject).sort();
  const search = async (scope: TenantScope, words: string) =>
    (await withScope(db, scope, (tx) => listQueue(tx, scope, { search: parseSearch(words) }))).rows.map((row) => row.subject);
  const history = async (scope: TenantScope) =>
    (await withScope(db, scope, (tx) => getContact(tx, scope, customer!.id))).tickets.map((ticket) => ticket.subject).sort();
  const open = (scope: TenantScope, ticketId: string) => withScope(db, scope, (tx) => getTicket(tx, scope, ticketId));
  return {
    tenantId,
    slug: company.tenant.slug,
    signIns,
    mailboxes: { shared: setup.shared, personal: setup.personal, sales: setup.sales },
    salesTeamId: setup.salesTeamId,
    receive,
    deliver,
    divisionId: company.divisionId,
    owner, anna, bartek, celina, admin, light, printer, salary, offer, byHand, subjectOf, queue, search, history, open };
}

