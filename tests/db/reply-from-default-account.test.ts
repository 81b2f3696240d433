import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailboxes, memberships, users } from "../../db/schema";
import type { TenantScope } from "../../db/tenant";
import { RuleError } from "../../lib/errors";
import { listMyAccounts, setDefaultAccount } from "../../lib/mailboxes/default-account";
import { sendOutbox } from "../../lib/outbox/send";
import { createTeam, setTeamMembers } from "../../lib/teams/teams";
import { moveTicket } from "../../lib/tickets/move";
import { replyToTicket } from "../../lib/tickets/reply";
import { testDatabase } from "../setup/db";
import { mail } from "../setup/mail-fixtures";
import { outboundDesk } from "../setup/outbound-desk";
import { type SmtpSink, startSmtpSink } from "../setup/smtp-sink";

const db = await testDatabase();
let sink: SmtpSink;

beforeAll(async () => {
  sink = await startSmtpSink();
}, 30_000);
afterAll(() => sink?.stop());

/**
 * A division with a shared default mailbox (support@), a second shared one (sales@), a team's
 * outbound mailbox (billing@, team Billing) and an agent, Anna, with a personal account (anna@),
 * all sending to the sink.
 */
async function desk() {
  const desk = await outboundDesk(db, { sendConfirmations: false });
  const suffix = crypto.randomBytes(4).toString("hex");
  const smtp = { smtpHost: "127.0.0.1", smtpPort: String(sink.port), smtpSecurity: "none" as const };
  const [anna] = await db
    .insert(users)
    .values({ email: `anna-${suffix}@acme.test`, name: "Anna Agent", passwordHash: "not-a-real-hash" })
    .returning();
  await desk.tx((tx) => tx.insert(memberships).values({ tenantId: desk.tenantId, userId: anna!.id, role: "agent" }));
  const support = await desk.addMailbox(`support-${suffix}@acme.test`, smtp);
  const sales = await desk.addMailbox(`sales-${suffix}@acme.test`, smtp);
  const billing = await desk.addMailbox(`billing-${suffix}@acme.test`, smtp);
  const personal = await desk.addMailbox(`anna-${suffix}@acme.test`, {
    ...smtp,
    smtpDisplayName: "Anna from Acme",
    belongsTo: "personal",
    ownerUserId: anna!.id,
  });
  const team = await desk.tx(async (tx) => {
    const created = await createTeam(tx, desk.scope, { divisionId: desk.divisionId, name: "Billing", outboundMailboxId: billing.id });
    await setTeamMembers(tx, desk.scope, { teamId: created.id, userIds: [anna!.id] });
    return created;
  });
  const annaScope: TenantScope = { tenantId: desk.tenantId, userId: anna!.id, role: "agent" };
  const ownerScope: TenantScope = desk.ownerScope;
  const reply = async (scope: TenantScope, ticketId: string, text: string) =>
    (await desk.tx((tx) => replyToTicket(tx, scope, { ticketId, text }))).outbox;
  const chooseDefault = (scope: TenantScope, mailboxId: string) =>
    desk.tx((tx) => setDefaultAccount(tx, scope, { mailboxId }));
  return { desk, support, sales, billing, personal, team, anna: anna!, annaScope, ownerScope, reply, chooseDefault };
}

describe("the default account decides the From of a reply", () => {
  it("a ticket's team mailbox wins over the replying member's default account", async () => {
    const d = await desk();
    await d.chooseDefault(d.annaScope, d.personal.id);
    await d.desk.receive(mail({ subject: "Invoice 42" }));
    const ticket = await d.desk.ticket(1);
    await d.desk.tx((tx) => moveTicket(tx, d.desk.scope, { ticketId: ticket.id, divisionId: d.desk.divisionId, teamId: d.team.id }));
    expect((await d.reply(d.annaScope, ticket.id, "Billing here")).fromAddress).toBe(d.billing.address);
  });

  it("without a team mailbox, each replying member's own default decides; without one, the division's default", async () => {
    const d = await desk();
    await d.chooseDefault(d.annaScope, d.personal.id);
    await d.chooseDefault(d.ownerScope, d.sales.id);
    await d.desk.receive(mail({ subject: "Printer" }));
    const ticket = await d.desk.ticket(1);

    const fromAnna = await d.reply(d.annaScope, ticket.id, "Anna here");
    expect(fromAnna).toMatchObject({ fromAddress: d.personal.address, fromName: "Anna from Acme" });
    // Another member on the same ticket: their own default, not Anna's.
    expect((await d.reply(d.ownerScope, ticket.id, "Owner here")).fromAddress).toBe(d.sales.address);
    // The operator (CLI, jobs) is no person: the division's default.
    expect((await d.reply(d.desk.scope, ticket.id, "Operator here")).fromAddress).toBe(d.support.address);

    // A member who chose nothing: the division's default.
    const [bob] = await db
      .insert(users)
      .values({ email: `bob-${crypto.randomUUID()}@acme.test`, name: "Bob", passwordHash: "not-a-real-hash" })
      .returning();
    await d.desk.tx((tx) => tx.insert(memberships).values({ tenantId: d.desk.tenantId, userId: bob!.id, role: "agent" }));
    const bobScope: TenantScope = { tenantId: d.desk.tenantId, userId: bob!.id, role: "agent" };
    expect((await d.reply(bobScope, ticket.id, "Bob here")).fromAddress).toBe(d.support.address);
  });

  it("a default account switched off, removed or no longer the member's falls back to the division's default", async () => {
    const d = await desk();
    await d.desk.receive(mail({ subject: "Refund" }));
    const ticket = await d.desk.ticket(1);
    const setMailbox = (id: string, values: Partial<typeof mailboxes.$inferInsert>) =>
      d.desk.tx((tx) => tx.update(mailboxes).set(values).where(eq(mailboxes.id, id)));

    await d.chooseDefault(d.annaScope, d.personal.id);
    await setMailbox(d.personal.id, { active: false });
    expect((await d.reply(d.annaScope, ticket.id, "Switched off")).fromAddress).toBe(d.support.address);
    await setMailbox(d.personal.id, { active: true, removedAt: new Date() });
    expect((await d.reply(d.annaScope, ticket.id, "Removed")).fromAddress).toBe(d.support.address);

    // The team's mailbox given to Billing as its own: Anna's default while she is in the team only.
    await setMailbox(d.billing.id, { teamId: d.team.id });
    await d.chooseDefault(d.annaScope, d.billing.id);
    expect((await d.reply(d.annaScope, ticket.id, "In the team")).fromAddress).toBe(d.billing.address);
    await d.desk.tx((tx) => setTeamMembers(tx, d.desk.scope, { teamId: d.team.id, userIds: [] }));
    expect((await d.reply(d.annaScope, ticket.id, "Left the team")).fromAddress).toBe(d.support.address);
  });

  it("refuses a default the member may not send from: another operator's personal account, or a removed one", async () => {
    const d = await desk();
    const refusal = (scope: TenantScope, mailboxId: string) => d.chooseDefault(scope, mailboxId).then(() => null, (error) => error);
    const othersAccount = await refusal(d.ownerScope, d.personal.id);
    expect(othersAccount).toBeInstanceOf(RuleError);
    expect((othersAccount as RuleError).fieldErrors).toEqual({ mailboxId: ["notYourAccount"] });
    await d.desk.tx((tx) => tx.update(mailboxes).set({ removedAt: new Date() }).where(eq(mailboxes.id, d.sales.id)));
    expect(await refusal(d.annaScope, d.sales.id)).toBeInstanceOf(RuleError);

    // What "My email accounts" offers Anna: shared, her team's (Billing's is shared too) and her own.
    const [division] = await d.desk.tx((tx) => listMyAccounts(tx, d.annaScope));
    expect(division!.accounts.map((account) => [account.address, account.kind])).toEqual([
      [d.support.address, "shared"],
      [d.billing.address, "shared"],
      [d.personal.address, "personal"],
    ]);
    expect(division!.divisionDefault?.address).toBe(d.support.address);
    const ownerView = await d.desk.tx((tx) => listMyAccounts(tx, d.ownerScope));
    expect(ownerView[0]!.accounts.map((account) => account.address)).not.toContain(d.personal.address);
  });

  it("a reply from a member's personal default account reaches the SMTP server from that account", async () => {
    const d = await desk();
    await d.chooseDefault(d.annaScope, d.personal.id);
    await d.desk.receive(mail({ subject: "Delivery" }));
    const ticket = await d.desk.ticket(1);
    await d.reply(d.annaScope, ticket.id, "On its way");
    expect(await sendOutbox(db, { tenantId: d.desk.tenantId })).toMatchObject({ sent: 1, failed: 0 });
    const [sent] = sink.messages.filter((message) => message.envelope.from === d.personal.address);
    expect(sent!.envelope.to).toEqual(["jan@customer.test"]);
    const parsed = await simpleParser(sent!.raw);
    expect(parsed.from?.value[0]).toMatchObject({ address: d.personal.address, name: "Anna from Acme" });
    expect(parsed.text?.trim()).toBe("On its way");
  });
});
